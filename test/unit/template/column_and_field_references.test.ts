import { describe, expect, it } from 'vitest';
import { substituteRaw, substituteSql } from '../../../src/template/substitute.js';
import { context, rowSet } from './context.js';

const ctx = context({
  user: rowSet('{"id":1,"name":"Ann","tags":["a","b"]}', '{"id":2,"name":"Bob","tags":[]}'),
  sig: '{"signal_name":"approve","timed_out":false,"data":{"by":"Eve","level":3}}',
  http: '{"status":200,"body":"ok","headers":{"content-type":"text/plain"}}',
});

describe('$name.col reads a column of the first row, or a top-level field', () => {
  it('reads the named column of the first row', () => {
    expect(substituteSql('SELECT $user.name, $user.id, $user.tags', ctx)).toBe(`SELECT 'Ann', 1, '["a","b"]'`);
  });

  it('reads top-level fields of a signal result', () => {
    expect(substituteSql('SELECT $sig.signal_name, $sig.timed_out, $sig.data', ctx)).toBe(
      `SELECT 'approve', false, '{"by":"Eve","level":3}'`,
    );
  });

  it('reads top-level fields of an HTTP result', () => {
    expect(substituteSql('INSERT INTO log VALUES ($http.status, $http.body)', ctx)).toBe(
      "INSERT INTO log VALUES (200, 'ok')",
    );
  });

  it('accepts the null-safe mark after a column that is present', () => {
    expect(substituteSql('SELECT $user.name?', ctx)).toBe("SELECT 'Ann'");
  });

  it('leaves a dot that is not followed by a name as text', () => {
    expect(substituteRaw('Hello $user. Bye $user.', ctx)).toBe('Hello 1. Bye 1.');
    expect(substituteSql('SELECT $user.1', ctx)).toBe('SELECT 1.1');
  });

  it('keeps SQL that follows the reference, such as casts and JSON operators', () => {
    expect(substituteSql("SELECT $sig.data::jsonb->>'by'", ctx)).toBe(
      `SELECT '{"by":"Eve","level":3}'::jsonb->>'by'`,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { substituteRaw, substituteSql } from '../../../src/template/substitute.js';
import { context } from './context.js';

const ctx = context({
  joined: '[{"rows":[{"a":1}],"row_count":1},{"slept":true,"seconds":5}]',
  sig: '{"signal_name":"go","timed_out":false,"data":{"note":"it\'s \\\\ fine"}}',
  word: '"done"',
  count: '12345678901234567890',
});

describe('a result that is not a row set substitutes its whole JSON text', () => {
  it('quotes a JOIN array as JSON text in SQL', () => {
    expect(substituteSql('SELECT $joined::jsonb', ctx)).toBe(
      `SELECT '[{"rows":[{"a":1}],"row_count":1},{"slept":true,"seconds":5}]'::jsonb`,
    );
  });

  it('quotes a signal object as JSON text, in an E-literal when it holds a backslash', () => {
    expect(substituteSql('SELECT $sig', ctx)).toBe(
      `SELECT E'{"signal_name":"go","timed_out":false,"data":{"note":"it''s \\\\\\\\ fine"}}'`,
    );
  });

  it('quotes a scalar result as its JSON text, so it casts to jsonb', () => {
    expect(substituteSql('SELECT $word::jsonb, $count::jsonb', ctx)).toBe(
      `SELECT '"done"'::jsonb, '12345678901234567890'::jsonb`,
    );
  });

  it('inserts the JSON text unquoted in raw text', () => {
    expect(substituteRaw('{"previous":$sig,"word":$word,"n":$count}', ctx)).toBe(
      '{"previous":{"signal_name":"go","timed_out":false,"data":{"note":"it\'s \\\\ fine"}},"word":"done","n":12345678901234567890}',
    );
  });
});

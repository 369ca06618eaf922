import { describe, expect, it } from 'vitest';
import { substituteRaw, substituteSql } from '../../../src/template/substitute.js';
import { context, rowSet } from './context.js';

describe('{name} variables are inserted raw', () => {
  it('fills the instance id and the label', () => {
    expect(substituteSql("SELECT '{sys_instance_id}', '{sys_label}'", context())).toBe(
      "SELECT '6f1c2b7e-0000-4000-8000-000000000001', 'nightly'",
    );
  });

  it('fills an empty string for a missing label', () => {
    expect(substituteRaw('[{sys_label}]', { ...context(), label: null })).toBe('[]');
  });

  it('inserts a captured variable as is, inside quotes and comments too', () => {
    const ctx = context({}, { table: 'orders', note: "it's" });
    expect(substituteSql("SELECT '{note}' FROM {table} /* {table} */", ctx)).toBe(
      "SELECT 'it's' FROM orders /* orders */",
    );
  });

  it('prefers the system names over variables of the same name', () => {
    expect(substituteRaw('{sys_label}', context({}, { sys_label: 'shadow' }))).toBe('nightly');
  });

  it('leaves unknown names and non-identifier braces verbatim', () => {
    const template = '{nope} {1abc} { table } {a-b} {} {{table}} {table';
    expect(substituteSql(template, context({}, { table: 't' }))).toBe('{nope} {1abc} { table } {a-b} {} {t} {table');
  });

  it('does not treat inherited object properties as variables', () => {
    expect(substituteRaw('{constructor} {toString} {__proto__}', context())).toBe(
      '{constructor} {toString} {__proto__}',
    );
  });

  it('does not rescan inserted text for braces', () => {
    expect(substituteRaw('{a}', context({}, { a: '{b}', b: 'x' }))).toBe('{b}');
  });

  it('inserts replacement patterns such as $& literally', () => {
    expect(substituteRaw('<{v}>', context({}, { v: "$& $' $1" }))).toBe("<$& $' $1>");
  });

  it('runs before $name references, which then see the inserted text', () => {
    const ctx = context({ batch: rowSet('{"id":7}') }, { filter: 'id = $batch' });
    expect(substituteSql('DELETE FROM t WHERE {filter}', ctx)).toBe('DELETE FROM t WHERE id = 7');
  });
});

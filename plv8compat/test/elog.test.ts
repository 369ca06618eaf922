// plv8.elog and the level globals: messages reach the client, ERROR throws.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { compatIt, one, plv8Scratch, sqlError, type Scratch } from './helpers.js';

let s: Scratch;
let c: pg.Client;
const notices: { severity?: string; message: string }[] = [];

beforeAll(async () => {
  s = await plv8Scratch('elog');
  c = await s.admin();
  c.on('notice', (n) => notices.push({ severity: n.severity, message: n.message ?? '' }));
});
afterAll(async () => {
  await s?.drop();
});

describe('plv8.elog', () => {
  it('the level globals exist in every context with PostgreSQL values', async () => {
    await c.query(`create function l_levels() returns jsonb language plv8 as $$
      return [DEBUG5, DEBUG4, DEBUG3, DEBUG2, DEBUG1, LOG, INFO, NOTICE, WARNING, ERROR] $$`);
    expect(await one(c, 'select l_levels()')).toEqual([10, 11, 12, 13, 14, 15, 17, 18, 19, 21]);
  });

  it('NOTICE, INFO and WARNING reach the client, parts joined with a space', async () => {
    notices.length = 0;
    await c.query(`do $$ plv8.elog(NOTICE, 'a', 1, {toString() { return 'obj' }}); plv8.elog(INFO, 'info');
      plv8.elog(WARNING, 'careful'); plv8.elog(DEBUG1, 'hidden') $$ language plv8`);
    expect(notices).toEqual([
      { severity: 'NOTICE', message: 'a 1 obj' },
      { severity: 'INFO', message: 'info' },
      { severity: 'WARNING', message: 'careful' },
    ]);
  });

  it('ERROR throws a catchable exception with the text as message', async () => {
    await c.query(`create function l_err_caught() returns text language plv8 as $$
      try { plv8.elog(ERROR, 'bad', 'thing'); return 'continued' } catch (e) { return 'caught: ' + e.message } $$`);
    expect(await one(c, 'select l_err_caught()')).toBe('caught: bad thing');
  });

  it('uncaught ERROR aborts the statement', async () => {
    await c.query('create table l_t (x int)');
    await c.query(`create function l_err() returns int language plv8 as $$
      plv8.execute('insert into l_t values (1)'); plv8.elog(ERROR, 'stopped'); return 1 $$`);
    const e = await sqlError(c.query('select l_err()'));
    expect(e.message).toMatch(/stopped/);
    expect(await one(c, 'select count(*)::int from l_t')).toBe(0);
  });

  compatIt('real plv8 throws the string "invalid error level"', 'an unknown level is a TypeError', async () => {
    await c.query(`create function l_bad_level() returns text language plv8 as $$
      try { plv8.elog(12345, 'x') } catch (e) { return e.constructor.name } $$`);
    expect(await one(c, 'select l_bad_level()')).toBe('TypeError');
  });

  it('a call without parts throws a usage string, as real plv8', async () => {
    await c.query(`create function l_no_parts() returns text language plv8 as $$
      try { plv8.elog(NOTICE); return 'no error' } catch (e) { return typeof e + ': ' + e } $$`);
    expect(await one(c, 'select l_no_parts()')).toBe('string: usage: plv8.elog(elevel, ...)');
  });

  it('LOG goes to the server log, not as an error', async () => {
    await c.query(`do $$ plv8.elog(LOG, 'plv8compat log line') $$ language plv8`);
    expect(await one(c, 'select 1')).toBe(1);
  });
});

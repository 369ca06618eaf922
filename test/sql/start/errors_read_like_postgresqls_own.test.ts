// Errors raised by the API read like PostgreSQL's own: the message without an "Error: " prefix,
// a SQLSTATE of the right class, a HINT where there is an obvious next step, and no line of
// JavaScript as CONTEXT (df._unwrap raises them from SQL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { engineFixture, type EngineFixture } from '../../support/engine.js';

let fx: EngineFixture;
let admin: pg.Client;
beforeAll(async () => {
  fx = await engineFixture('native_errors');
  admin = await fx.scratch.admin();
});
afterAll(async () => fx?.close());

interface Raised {
  message: string;
  code: string;
  hint: string | undefined;
  where: string | undefined;
}

async function raised(client: pg.Client, sql: string, params: unknown[] = []): Promise<Raised> {
  try {
    await client.query(sql, params);
  } catch (e) {
    const { message, code, hint, where } = e as pg.DatabaseError;
    return { message, code: code ?? '', hint, where };
  }
  throw new Error(`no error from ${sql}`);
}

const UNWRAP = /^PL\/pgSQL function df\._unwrap\(text\[\]\) line \d+ at RAISE$/;
// A builder called with constants runs while the statement is planned, which PostgreSQL
// notes as a second line.
const UNWRAP_WHILE_PLANNING = /^PL\/pgSQL function df\._unwrap\(text\[\]\) line \d+ at RAISE\nSQL function "\w+" statement 1$/;

describe('errors of the API', () => {
  const cases: Array<[string, string, string, string, string | undefined]> = [
    // [what, sql, sqlstate, message, hint]
    ['an unknown instance', `SELECT df.cancel('00000000')`, '42704', 'Instance not found or access denied: 00000000',
      "df.list_instances() lists the instances you can see; each role sees only its own."],
    ['a bad variable name', `SELECT df.setvar('bad name', 'x')`, '22023',
      "variable name must match ^[A-Za-z_][A-Za-z0-9_]*$, got 'bad name'", undefined],
    ['a reserved variable name', `SELECT df.setvar('sys_x', 'x')`, '42939',
      "variable names starting with sys_ are reserved, got 'sys_x'", undefined],
    ['a signal without a name', `SELECT df.signal('00000000', NULL)`, '22023',
      'df.signal needs an instance id and a signal name', undefined],
    ['an unknown explain format', `SELECT df.explain('SELECT 1', 'pdf')`, '22023',
      "format must be 'text', 'full' or 'mermaid', got 'pdf'", undefined],
    ['an unknown transaction_mode', `SELECT df.start('SELECT 1', transaction_mode => 'later')`, '22023',
      `invalid transaction_mode "later" for df.start(): expected 'caller' or 'new'`, undefined],
    ['another database', `SELECT df.start('SELECT 1', database => 'postgres')`, '0A000',
      "starting a workflow in another database ('postgres') is not supported",
      'Connect to that database and call df.start() there.'],
    ['a non-positive await timeout', `SELECT df.await_instance('00000000', 0)`, '22023',
      'timeout_seconds must be positive, got 0', undefined],
    ['a worker call without time', `CALL df.work(0)`, '22023', 'max_seconds must be positive, got 0', undefined],
  ];
  it.each(cases)('%s: %s', async (_what, sql, code, message, hint) => {
    const e = await raised(fx.user, sql);
    expect({ message: e.message, code: e.code, hint: e.hint }).toEqual({ message, code, hint });
    expect(e.where).not.toMatch(/LINE \d+:|_load|JavaScript/);
  });

  it("for transaction_mode 'new' where no loopback is configured: object_not_in_prerequisite_state, naming what to create", async () => {
    const e = await raised(fx.user, `SELECT df.start('SELECT 1', transaction_mode => 'new')`);
    expect(e.code).toBe('55000');
    expect(e.message).toBe(
      `df.start() with transaction_mode => 'new' needs the loopback server pg_durable_loopback for role ${fx.role}, which database ${fx.scratch.name} does not have configured`,
    );
    expect(e.hint).toContain('CREATE EXTENSION dblink;\nCREATE SERVER pg_durable_loopback FOREIGN DATA WRAPPER dblink_fdw');
    expect(e.where).toMatch(UNWRAP);
  });

  it('raise from df._unwrap, with no other CONTEXT when called directly', async () => {
    const e = await raised(fx.user, `SELECT df.cancel('00000000')`);
    expect(e.where).toMatch(UNWRAP);
  });

  it('for input the builders reject: invalid_parameter_value', async () => {
    for (const sql of [
      `SELECT df.start('{"node_type":"SQL","query":"SELECT 1","result_name":"1x"}')`,
      `SELECT df.start('{"node_type":"NOPE"}')`,
      `SELECT df.start('{"node_type":"SQL"}')`,
    ]) {
      const e = await raised(fx.user, sql);
      expect(e.code, sql).toBe('22023');
      expect(e.message, sql).not.toMatch(/^[A-Za-z]*Error: /);
      expect(e.where, sql).toMatch(UNWRAP);
    }
    for (const sql of [`SELECT df.wait_for_schedule('61 * * * *')`, `SELECT 'a' |=> '1x'`, `SELECT df.sleep(-1)`]) {
      const e = await raised(fx.user, sql);
      expect(e.code, sql).toBe('22023');
      expect(e.where, sql).toMatch(UNWRAP_WHILE_PLANNING);
    }
  });

  it('for df.http: invalid_parameter_value in the reference words; insufficient_privilege without include_http', async () => {
    expect(await raised(admin, `SELECT df.http('ftp://example.com')`)).toMatchObject({
      message: "Blocked: unsupported URL scheme 'ftp'. Only http and https are allowed.",
      code: '22023',
    });
    expect(await raised(admin, `SELECT df.http_multipart('https://example.com', 'GET', '[{"name":"a","data":"x"}]')`)).toMatchObject({
      message: 'Invalid HTTP method for multipart: GET. Must be POST, PUT, or PATCH',
      code: '22023',
    });
    expect((await raised(fx.user, `SELECT df.http('https://example.com')`)).code).toBe('42501');
  });

  it('for input df.explain cannot read: invalid_parameter_value with what it reads', async () => {
    expect(await raised(fx.user, `SELECT df.explain('hello world')`)).toMatchObject({
      code: '22023',
      hint: 'DSL expressions use df.*() functions and operators like ~>, |=>, &, |.',
    });
    expect((await raised(fx.user, `SELECT df.explain('df.sql(1 +)')`)).code).toBe('22023');
    expect(await raised(fx.user, `SELECT df.explain('0000beef')`)).toMatchObject({
      message: 'Instance not found or access denied: 0000beef',
      code: '42704',
    });
  });

  it('of the functions written in PL/pgSQL carry their SQLSTATE too', async () => {
    const codes = async (client: pg.Client, sql: string) => (await raised(client, sql)).code;
    expect(await codes(fx.user, `SELECT * FROM df.list_instances(NULL, 0)`)).toBe('22023');
    expect(await codes(fx.user, `SELECT * FROM df.list_instances(NULL, 10, NULL, 'nonsense')`)).toBe('22023');
    expect(await codes(admin, `SELECT df.grant_usage('pgd_no_such_role')`)).toBe('42704');
    expect(await codes(admin, `SELECT df.grant_usage(NULL)`)).toBe('22004');
    expect(await codes(admin, `SELECT df.revoke_usage(current_user::text)`)).toBe('55000');
    expect(await codes(admin, `SELECT df.schedule_workers('${fx.role}', 0)`)).toBe('22023');
  });

  it('for a superuser: insufficient_privilege with what to do', async () => {
    expect(await raised(admin, `SELECT df.start('SELECT 1')`)).toEqual({
      message: 'pg_durable: superuser instances are disabled. current_user "postgres" is a superuser, but pg_durable.enable_superuser_instances is off. Set pg_durable.enable_superuser_instances = on to allow this.',
      code: '42501',
      hint: 'Start workflows as an ordinary role instead.',
      where: expect.stringMatching(UNWRAP),
    });
    const work = await raised(admin, `CALL df.work(1)`);
    expect(work).toMatchObject({
      message: 'df.work refuses to run as a superuser',
      code: '42501',
      hint: 'Run workers as the roles that start workflows, or set pg_durable.enable_superuser_instances = on.',
    });
    expect(work.where).not.toMatch(/LINE \d+:|_load|JavaScript/);
  });

  it('for df.await_instance above READ COMMITTED: invalid_transaction_state', async () => {
    await fx.user.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    try {
      expect(await raised(fx.user, `SELECT df.await_instance('00000000', 1)`)).toMatchObject({
        message: "df.await_instance() cannot see workers' progress in a repeatable read transaction",
        code: '25000',
        hint: 'Call it in a READ COMMITTED transaction (BEGIN ISOLATION LEVEL READ COMMITTED), or poll df.status() from new transactions.',
      });
    } finally {
      await fx.user.query('ROLLBACK');
    }
  });

  it('keep the SQLSTATE of a statement the call ran: a statement_timeout stays query_canceled', async () => {
    const id = await fx.value<string>(`SELECT df.start('SELECT 1')`);
    await fx.user.query(`SET statement_timeout = '300ms'`);
    try {
      expect(await raised(fx.user, `SELECT df.await_instance($1, 30)`, [id])).toMatchObject({
        message: 'canceling statement due to statement timeout',
        code: '57014',
      });
    } finally {
      await fx.user.query('RESET statement_timeout');
    }
  });
});

// df.start(…, transaction_mode => 'new') (spec/outside-steps.md §6): the start runs in a
// loopback session of the same role (dblink, foreign server pg_durable_loopback), commits on
// its own and survives the caller's rollback; it captures only committed variables; it is
// refused inside a workflow; where the loopback is not configured the error names exactly what
// to create; a loopback that logs in as anyone but the calling role is refused. The same
// loopback runs statements (the_loopback_runs_statements_from_the_roles_own_workers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { createLoginRoles, dropRoles, ident } from '../../support/roles.js';
import { usesPrivateCluster } from '../../support/server.js';
import { plantPublicTraps, putPublicFirst } from '../../support/public-traps.js';
import { ownServer, type OwnServer } from './own-server.js';
import { finishWorkflow, runToEnd } from './maintenance.js';
import { waitFor } from '../../support/slow-step.js';

const PASSWORD = 'loopback secret';
const NEW = `transaction_mode => 'new'`;

let server: OwnServer;
let fx: EngineFixture;
let admin: pg.Client;
const other = `pgd_loopback_other_${process.pid}`;

async function raised(client: pg.Client, sql: string, params: unknown[] = []): Promise<{ code: string; message: string; hint?: string }> {
  try {
    await client.query(sql, params);
  } catch (e) {
    return e as { code: string; message: string; hint?: string };
  }
  throw new Error(`no error from ${sql}`);
}

describe.skipIf(!usesPrivateCluster())("df.start(…, transaction_mode => 'new')", () => {
  beforeAll(async () => {
    server = await ownServer('maint-loopback', Number(process.env.PG_DURABLE_LOOPBACK_PORT ?? 54351));
    fx = await engineFixture('maint_loopback', { server: server.url });
    admin = await fx.scratch.admin();
    await admin.query(`ALTER ROLE ${ident(fx.role)} PASSWORD '${PASSWORD}'`);
    await createLoginRoles([other], server.url);
    await admin.query(`ALTER ROLE ${ident(other)} PASSWORD 'other'`);
    await fx.user.query(`CREATE TABLE orders (id int); CREATE TABLE audit (what text)`);
  });
  afterAll(async () => {
    await fx?.close();
    await dropRoles([other], server.url).catch(() => undefined);
    server?.stop();
  });

  const setupError = () => raised(fx.user, `SELECT df.start('SELECT 1', ${NEW})`);
  const message = () =>
    `df.start() with transaction_mode => 'new' needs the loopback server pg_durable_loopback for role ${fx.role}, which database ${fx.scratch.name} does not have configured`;
  const statements = (hint: string | undefined) => (hint ?? '').split('\n').slice(1, -1);

  it('without a loopback, names exactly what an administrator creates, as each piece comes', async () => {
    const db = fx.scratch.name;
    const server_ = `CREATE SERVER pg_durable_loopback FOREIGN DATA WRAPPER dblink_fdw OPTIONS (host 'localhost', port '${server.port}', dbname '${db}');`;
    const mapping = `CREATE USER MAPPING FOR ${fx.role} SERVER pg_durable_loopback OPTIONS (user '${fx.role}', password '…');`;
    const grant = `GRANT USAGE ON FOREIGN SERVER pg_durable_loopback TO ${fx.role};`;
    let e = await setupError();
    expect(e).toMatchObject({ code: '55000', message: message() });
    expect(e.hint?.split('\n')[0]).toBe(`An administrator (a superuser) runs in database ${db}:`);
    expect(statements(e.hint)).toEqual(['CREATE EXTENSION dblink;', server_, mapping, grant]);
    expect(e.hint).toContain('pg_hba.conf: scram-sha-256');

    await admin.query('CREATE EXTENSION dblink');
    expect(statements((await setupError()).hint)).toEqual([server_, mapping, grant]);
    await admin.query(
      `CREATE SERVER pg_durable_loopback FOREIGN DATA WRAPPER dblink_fdw OPTIONS (host '127.0.0.1', port '${server.port}', dbname '${db}')`,
    );
    expect(statements((await setupError()).hint)).toEqual([mapping, grant]);
    await admin.query(`CREATE USER MAPPING FOR ${ident(fx.role)} SERVER pg_durable_loopback OPTIONS (user '${fx.role}', password '${PASSWORD}')`);
    expect(statements((await setupError()).hint)).toEqual([grant]);
    await admin.query(`GRANT USAGE ON FOREIGN SERVER pg_durable_loopback TO ${ident(fx.role)}`);
    expect(await fx.value(`SELECT df.start('SELECT 1', ${NEW}) ~ '^[0-9a-f]{8}$'`)).toBe(true);
  });

  it('survives the caller’s rollback, returns the id, and the instance runs as the role', async () => {
    await fx.user.query('BEGIN');
    await fx.user.query(`INSERT INTO orders VALUES (1)`);
    const id = await fx.value<string>(`SELECT df.start('INSERT INTO audit SELECT ''order attempted by '' || session_user', 'audit', ${NEW})`);
    const caller = await fx.value<string>(`SELECT df.start('INSERT INTO audit VALUES (''caller'')', 'caller')`);
    await fx.user.query('ROLLBACK');
    expect(await fx.value(`SELECT count(*)::int FROM orders`)).toBe(0);
    expect(await fx.value(`SELECT df.status($1)`, [caller])).toBeNull();
    expect(await fx.value(`SELECT label || ' ' || submitted_by::text FROM df.instances WHERE id = $1`, [id])).toBe(`audit ${fx.role}`);
    await fx.startWorkers(1);
    try {
      const done = await runToEnd(fx, `'SELECT 1'`); // the workers run
      expect(done.status).toBe('completed');
      expect((await finishWorkflow(fx, id)).status).toBe('completed');
      expect(await fx.value(`SELECT string_agg(what, ',') FROM audit`)).toBe(`order attempted by ${fx.role}`);
    } finally {
      await fx.stopWorkers();
    }
  });

  it('captures the committed variables only', async () => {
    await fx.user.query(`SELECT df.setvar('state', 'committed')`);
    await fx.user.query('BEGIN');
    await fx.user.query(`SELECT df.setvar('state', 'uncommitted')`);
    const fresh = await fx.value<string>(`SELECT df.start('SELECT 1', ${NEW})`);
    const joined = await fx.value<string>(`SELECT df.start('SELECT 1')`);
    await fx.user.query('COMMIT');
    const vars = (id: string) => fx.value(`SELECT vars ->> 'state' FROM df.instances WHERE id = $1`, [id]);
    expect(await vars(fresh)).toBe('committed');
    expect(await vars(joined)).toBe('uncommitted');
  });

  it("compares the mode case-insensitively and refuses any other with the reference's words", async () => {
    expect(await fx.value(`SELECT df.start('SELECT 1', transaction_mode => 'NEW') ~ '^[0-9a-f]{8}$'`)).toBe(true);
    expect(await raised(fx.user, `SELECT df.start('SELECT 1', transaction_mode => 'later')`)).toMatchObject({
      code: '22023',
      message: `invalid transaction_mode "later" for df.start(): expected 'caller' or 'new'`,
    });
    // The graph is checked before any loopback session opens, with the caller's words.
    const bad = `'{"node_type":"NOPE"}'`;
    const asCaller = await raised(fx.user, `SELECT df.start(${bad})`);
    expect(await raised(fx.user, `SELECT df.start(${bad}, ${NEW})`)).toMatchObject({ code: '22023', message: asCaller.message });
    expect(asCaller.message).toContain("Unknown node_type 'NOPE'");
  });

  it('is refused inside a workflow', async () => {
    await fx.startWorkers(1);
    try {
      const done = await runToEnd(fx, `$1`, [`SELECT df.start('SELECT 1', transaction_mode => 'new')`]);
      expect(done.status).toBe('failed');
      expect(done.error).toBe(
        "df.start() with transaction_mode => 'new' cannot be called inside a workflow - a plain df.start() in a step already commits with that step, exactly once",
      );
    } finally {
      await fx.stopWorkers();
    }
  });

  it('refuses a loopback that logs in as another role, and says why a login fails', async () => {
    await admin.query(`ALTER USER MAPPING FOR ${ident(fx.role)} SERVER pg_durable_loopback OPTIONS (SET user '${other}', SET password 'other')`);
    const before = await fx.value<number>(`SELECT count(*)::int FROM df.instances`);
    expect(await raised(fx.user, `SELECT df.start('SELECT 1', ${NEW})`)).toMatchObject({
      code: '42501',
      message: `df.start() on new transaction refused: the user mapping of pg_durable_loopback for role ${fx.role} logs in as ${other}; the loopback must authenticate as the calling role itself`,
    });
    await admin.query(`ALTER USER MAPPING FOR ${ident(fx.role)} SERVER pg_durable_loopback OPTIONS (SET user '${fx.role}', SET password 'wrong')`);
    const e = await raised(fx.user, `SELECT df.start('SELECT 1', ${NEW})`);
    expect(e.code).toBe('08001');
    expect(e.message).toMatch(/^df\.start\(\) on new transaction failed: could not connect through pg_durable_loopback: .*password authentication failed/);
    await admin.query(`ALTER USER MAPPING FOR ${ident(fx.role)} SERVER pg_durable_loopback OPTIONS (SET password '${PASSWORD}')`);
    expect(await fx.value<number>(`SELECT count(*)::int FROM df.instances`)).toBe(before);
    // No connection is left behind in the caller's session.
    expect(await fx.value(`SELECT df.start('SELECT 1', ${NEW}) ~ '^[0-9a-f]{8}$'`)).toBe(true);
    await waitFor('the loopback session to end', async () =>
      (await fx.value(`SELECT count(*)::int FROM pg_stat_activity WHERE application_name = 'pg_durable loopback'`)) === 0,
    );
  });

  it('resolves only to pg_catalog and df objects, on both sides, with traps planted in public first on the path', async () => {
    await plantPublicTraps(fx.user);
    await putPublicFirst(admin, [fx.role]);
    const c = new pg.Client({ connectionString: fx.url });
    await c.connect();
    try {
      expect((await c.query(`SHOW search_path`)).rows[0].search_path).toBe('public, pg_catalog');
      const id = (await c.query(`SELECT df.start('SELECT 1', 'trapped', ${NEW}) AS id`)).rows[0].id as string;
      expect((await c.query(`SELECT df.status($1) AS s`, [id])).rows[0].s).toBe('pending');
    } finally {
      await c.end();
    }
  });
});

// Every form of spec/outside-steps.md §5 that a test database can run, as a step of its own:
// the worker dispatches it, the CLI's statement runner runs it outside any transaction block,
// as the role, and its effect is visible. Not run here: CREATE/DROP TABLESPACE (needs a
// directory the server owns, on the server's machine), ALTER DATABASE … SET TABLESPACE (needs a
// second tablespace), CREATE/ALTER/DROP SUBSCRIPTION (needs a publisher and wal_level logical),
// REINDEX DATABASE/SYSTEM (needs the database's owner; REINDEX SCHEMA stands for the per-table
// forms).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { ident } from '../../support/roles.js';
import { serverUrl, urlFor, usesPrivateCluster, withClient } from '../../support/server.js';
import { startWorkflow } from '../../support/workflow.js';
import type { WorkerPool } from '../../../src/cli/worker-pool.js';
import { STATEMENT_RESULT, dispatchDetails, finishWorkflow, runToEnd, statementPool, vacuumCount, waitForVacuums } from './maintenance.js';

let fx: EngineFixture;
let pool: WorkerPool;
const newDatabase = `pgd_maint_created_${process.pid}`;

beforeAll(async () => {
  fx = await engineFixture('maint_forms');
  await withClient(serverUrl(), (c) => c.query(`ALTER ROLE ${ident(fx.role)} CREATEDB`));
  await (await fx.scratch.admin()).query(`GRANT CREATE ON DATABASE ${ident(fx.scratch.name)} TO ${ident(fx.role)}`);
  await fx.user.query(`
    CREATE TABLE bloated (id int PRIMARY KEY, v text);
    INSERT INTO bloated SELECT i, md5(i::text) FROM generate_series(1, 2000) i;
    DELETE FROM bloated WHERE id % 2 = 0;
    CREATE TABLE clustered (id int, v text);
    INSERT INTO clustered SELECT i, 'x' FROM generate_series(1, 100) i;
    CREATE INDEX clustered_id ON clustered (id);
    ALTER TABLE clustered CLUSTER ON clustered_id;
    CREATE SCHEMA app;
    CREATE TABLE app.items (id int PRIMARY KEY);`);
  pool = await statementPool(fx.url);
});
afterAll(async () => {
  await pool?.stop();
  await withClient(serverUrl(), (c) => c.query(`DROP DATABASE IF EXISTS ${ident(newDatabase)}`)).catch(() => undefined);
  await fx?.close();
});

/** Runs a one-statement workflow and expects the statement's result. */
async function runs(statement: string, timeoutSeconds?: number): Promise<string> {
  const done = await runToEnd(fx, '$1', [statement], timeoutSeconds);
  expect(done.error, statement).toBeNull();
  expect(done.status, statement).toBe('completed');
  expect(done.result, statement).toEqual(STATEMENT_RESULT);
  return done.id;
}

const relfilenode = (table: string) => fx.value<number>(`SELECT relfilenode::int FROM pg_class WHERE oid = $1::regclass`, [table]);
const indexValid = (index: string) =>
  fx.value<boolean | null>(`SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1))`, [index]);

describe('statements that cannot run in a transaction block', () => {
  it('VACUUM runs outside the step transaction, once, through a dispatch the runner leased', async () => {
    const before = await vacuumCount(fx, 'bloated');
    const id = await runs('VACUUM bloated');
    await waitForVacuums(fx, 'bloated', before + 1);
    expect(await vacuumCount(fx, 'bloated')).toBe(before + 1);
    const details = await dispatchDetails(fx, id);
    expect(details).toMatchObject({ dispatched: 'statement', attempt: 1, leases: 1, expired_leases: 0 });
    expect(details?.runner).toMatch(/:\d+ statements$/);
  });

  it('VACUUM ANALYZE, with options, and of the statement filled in from a variable', async () => {
    await fx.user.query(`SELECT df.setvar('target', 'bloated')`);
    const before = await vacuumCount(fx, 'bloated');
    await runs('VACUUM (ANALYZE, VERBOSE) {target}');
    await waitForVacuums(fx, 'bloated', before + 1);
    expect(await fx.value<number>(`SELECT analyze_count::int FROM pg_stat_user_tables WHERE relname = 'bloated'`)).toBeGreaterThanOrEqual(1);
    await fx.user.query(`SELECT df.unsetvar('target')`);
  });

  it('CREATE [UNIQUE] INDEX CONCURRENTLY builds a valid index; DROP INDEX CONCURRENTLY removes it', async () => {
    await runs('CREATE INDEX CONCURRENTLY bloated_v ON bloated (v)');
    expect(await indexValid('bloated_v')).toBe(true);
    await runs('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS bloated_id_v ON bloated (id, v)');
    expect(await indexValid('bloated_id_v')).toBe(true);
    await runs('DROP INDEX CONCURRENTLY IF EXISTS bloated_id_v');
    expect(await indexValid('bloated_id_v')).toBeNull();
  });

  it('REINDEX … CONCURRENTLY and REINDEX SCHEMA rebuild indexes', async () => {
    const index = () => fx.value<number>(`SELECT relfilenode::int FROM pg_class WHERE relname = 'bloated_v'`);
    const before = await index();
    await runs('REINDEX INDEX CONCURRENTLY bloated_v');
    const after = await index();
    expect(after).not.toBe(before);
    expect(await indexValid('bloated_v')).toBe(true);
    await runs('REINDEX (VERBOSE) TABLE CONCURRENTLY bloated');
    expect(await index()).not.toBe(after);
    const items = await fx.value<number>(`SELECT relfilenode::int FROM pg_class WHERE relname = 'items_pkey'`);
    await runs('REINDEX SCHEMA app');
    expect(await fx.value<number>(`SELECT relfilenode::int FROM pg_class WHERE relname = 'items_pkey'`)).not.toBe(items);
  });

  it('CLUSTER without a table re-clusters the tables the role clustered before', async () => {
    const before = await relfilenode('clustered');
    await runs('CLUSTER');
    expect(await relfilenode('clustered')).not.toBe(before);
  });

  // DROP DATABASE waits for a checkpoint: on a busy server that takes a while.
  it('CREATE DATABASE and DROP DATABASE, as a role with CREATEDB', { timeout: 200_000 }, async () => {
    const exists = () => fx.value<boolean>(`SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, [newDatabase]);
    await runs(`CREATE DATABASE ${ident(newDatabase)}`, 90);
    expect(await exists()).toBe(true);
    expect(await fx.value(`SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1`, [newDatabase])).toBe(fx.role);
    await runs(`DROP DATABASE ${ident(newDatabase)}`, 90);
    expect(await exists()).toBe(false);
  });

  it("a step that merely mentions one stays an ordinary step, run by the worker in its transaction", async () => {
    const done = await runToEnd(fx, `'SELECT ''VACUUM'' AS word' ~> 'SELECT 1 AS "CREATE INDEX CONCURRENTLY" -- VACUUM'`);
    expect(done.result).toEqual({ rows: [{ 'CREATE INDEX CONCURRENTLY': 1 }], row_count: 1 });
    expect(await dispatchDetails(fx, done.id)).toBeUndefined();
  });

  it('in a sequence, the steps around it run in order, and a later step sees its effect', async () => {
    const done = await runToEnd(
      fx,
      `('SELECT count(*) AS n FROM pg_indexes WHERE indexname = ''bloated_later''' |=> 'before')
       ~> 'CREATE INDEX CONCURRENTLY bloated_later ON bloated (id)'
       ~> 'SELECT $before AS before, count(*) AS after FROM pg_indexes WHERE indexname = ''bloated_later'''`,
    );
    expect(done.result).toEqual({ rows: [{ before: 0, after: 1 }], row_count: 1 });
  });
});

// ALTER SYSTEM needs a superuser, and superuser instances only where an administrator allows
// them. It writes postgresql.auto.conf of the whole cluster: this sets a parameter to its
// default value and resets it, so the cluster's configuration is never changed.
describe.skipIf(!usesPrivateCluster())('ALTER SYSTEM, as a superuser instance', () => {
  it('runs when pg_durable.enable_superuser_instances is on for the database', async () => {
    const admin = await fx.scratch.admin();
    await admin.query(`ALTER DATABASE ${ident(fx.scratch.name)} SET pg_durable.enable_superuser_instances = on`);
    const url = urlFor(fx.scratch.name, 'postgres');
    const su = new pg.Client({ connectionString: url });
    await su.connect();
    const suPool = await statementPool(url);
    try {
      const asSu = { value: async <T,>(sql: string, params: unknown[] = []) => (await su.query({ text: sql, values: params, rowMode: 'array' })).rows[0]?.[0] as T };
      const id = await startWorkflow(
        asSu,
        `'ALTER SYSTEM SET log_min_duration_sample = -1'
         ~> ('SELECT setting FROM pg_file_settings WHERE name = ''log_min_duration_sample''' |=> 'written')
         ~> 'ALTER SYSTEM RESET log_min_duration_sample'
         ~> 'SELECT $written AS written, count(*) AS left_behind FROM pg_file_settings WHERE name = ''log_min_duration_sample'''`,
      );
      const done = await finishWorkflow(asSu, id);
      expect(done.error).toBeNull();
      expect(done.result).toEqual({ rows: [{ written: '-1', left_behind: 0 }], row_count: 1 });
    } finally {
      await suPool.stop();
      await su.end();
      await admin.query(`ALTER DATABASE ${ident(fx.scratch.name)} RESET pg_durable.enable_superuser_instances`);
    }
  });
});

// A statement that fails outside the transaction block fails its node with PostgreSQL's own
// message (df.retry applies as to any step); one that shares its step with other statements
// is refused before anything runs, since several statements in one text form a transaction block.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import type { WorkerPool } from '../../../src/cli/worker-pool.js';
import { dispatchDetails, runToEnd, statementPool } from './maintenance.js';

let fx: EngineFixture;
let pool: WorkerPool;
beforeAll(async () => {
  fx = await engineFixture('maint_failing');
  await fx.user.query(`CREATE TABLE t (id int); CREATE TABLE steps (name text)`);
  pool = await statementPool(fx.url);
});
afterAll(async () => {
  await pool?.stop();
  await fx?.close();
});

describe('a statement outside the transaction block that fails', () => {
  it('fails the node with the message PostgreSQL gave, and the steps after it do not run', async () => {
    const done = await runToEnd(fx, `'VACUUM no_such_table' ~> 'INSERT INTO steps VALUES (''after'')'`);
    expect(done.status).toBe('failed');
    expect(done.error).toBe('relation "no_such_table" does not exist');
    expect(await fx.value(`SELECT count(*)::int FROM steps`)).toBe(0);
    expect(await fx.value(`SELECT status FROM df.instance_nodes($1) WHERE node_type = 'SQL' AND query LIKE 'VACUUM%'`, [done.id])).toBe('failed');
  });

  it('is retried under df.retry, dispatched again each attempt with the same request', async () => {
    const done = await runToEnd(fx, `df.retry('CREATE INDEX CONCURRENTLY later_idx ON later (id)', 3, 0.1)`);
    expect(done.status).toBe('failed');
    expect(done.error).toBe('relation "later" does not exist');
    expect(await dispatchDetails(fx, done.id)).toMatchObject({ dispatched: 'statement', attempt: 3, leases: 1 });
  });

  it('a permission PostgreSQL refuses fails the node with its message too', async () => {
    const done = await runToEnd(fx, `'CREATE DATABASE pgd_maint_not_allowed'`);
    expect(done.status).toBe('failed');
    expect(done.error).toBe('permission denied to create database');
  });
});

describe('a statement that cannot run in a transaction block among others in one step', () => {
  it.each([
    ['VACUUM t; SELECT 1', 'VACUUM'],
    ['SELECT 1; CREATE INDEX CONCURRENTLY t_id ON t (id)', 'CREATE INDEX CONCURRENTLY'],
    ['REINDEX TABLE CONCURRENTLY t;;INSERT INTO steps VALUES (1)', 'REINDEX CONCURRENTLY'],
  ])('%s fails the node before anything runs', async (sql, form) => {
    const done = await runToEnd(fx, '$1', [sql]);
    expect(done.status).toBe('failed');
    expect(done.error).toBe(`${form} cannot run in the same step as other statements: make it a step of its own`);
    expect(await dispatchDetails(fx, done.id)).toBeUndefined();
    expect(await fx.value(`SELECT count(*)::int FROM pg_indexes WHERE tablename = 't'`)).toBe(0);
  });

  it('alone with trailing semicolons and comments, it runs', async () => {
    const done = await runToEnd(fx, '$1', ['VACUUM t; ; -- done\n']);
    expect(done.status).toBe('completed');
    expect(await dispatchDetails(fx, done.id)).toMatchObject({ dispatched: 'statement' });
  });
});

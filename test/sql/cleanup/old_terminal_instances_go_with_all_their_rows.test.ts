// df.cleanup removes terminal instances (completed, failed, cancelled) that ended more than
// the retention period ago, or that are beyond the count cap of their role, with every row of
// theirs in every df table. Unfinished instances (pending, running a step, sleeping, waiting
// for a signal) are never touched, however old.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { ident } from '../../support/roles.js';
import { awaitWorkflow, runWorkflow, startWorkflow } from '../../support/workflow.js';
import { waitFor } from '../../support/slow-step.js';
import { age, orphanRows, remaining, rowsOf } from './rows.js';

let fx: EngineFixture;
let su: pg.Client;

beforeAll(async () => {
  fx = await engineFixture('cleanup_rows');
  su = await fx.scratch.admin();
  await fx.startWorkers(2);
});
afterAll(async () => {
  await fx?.close();
});

const db = () => ident(fx.scratch.name);

describe('df.cleanup', () => {
  it('removes old completed, failed and cancelled instances with every row, and never an unfinished one', async () => {
    const completed = (await runWorkflow(fx, `('SELECT 1 AS one' |=> 'one') ~> df.join('SELECT 2 AS two', 'SELECT 3 AS three') ~> 'SELECT $one AS again'`)).id;
    const failed = await runWorkflow(fx, `'SELECT 1 / 0'`);
    expect(failed.status).toBe('failed');
    const sleeping = await startWorkflow(fx, `df.sleep(3600)`);
    const waiting = await startWorkflow(fx, `df.wait_for_signal('go', 3600)`);
    // Cancelled halfway: a finished JOIN branch, a named result, a buffered signal, and (with the
    // workers stopped, so nothing sweeps them) its retired activations still there.
    const cancelled = await startWorkflow(fx, `df.join('SELECT 1 AS a' |=> 'a', df.wait_for_signal('go', 3600))`);
    await waitFor('the first branch to finish', async () => (await rowsOf(su, [cancelled])).branch_results === 1);
    for (const id of [sleeping, waiting]) await waitFor(`${id} to run`, async () => (await fx.value(`SELECT df.status($1)`, [id])) === 'running');
    await fx.stopWorkers();
    await fx.value(`SELECT df.signal($1, 'other', '{"kept": true}')`, [cancelled]);
    expect(await fx.value(`SELECT df.cancel($1, 'test')`, [cancelled])).toContain('cancelled');
    const pending = await startWorkflow(fx, `'SELECT 1'`);
    expect(await fx.value(`SELECT df.status($1)`, [pending])).toBe('pending');

    const doomed = [completed, failed.id, cancelled];
    const unfinished = [pending, sleeping, waiting];
    await age(su, [...doomed, ...unfinished], '1 year');
    const before = await rowsOf(su, doomed);
    // Rows in every table, so that the test shows each of them goes.
    for (const [table, n] of Object.entries(before)) expect(n, table).toBeGreaterThan(0);
    const unfinishedBefore = await rowsOf(su, unfinished);
    expect(unfinishedBefore.activations).toBeGreaterThan(0);

    expect(Number(await fx.value(`SELECT df.cleanup()`))).toBe(3);
    expect(await rowsOf(su, doomed)).toEqual({ instances: 0, nodes: 0, activations: 0, signals: 0, results: 0, branch_results: 0 });
    expect(await rowsOf(su, unfinished)).toEqual(unfinishedBefore);
    expect(await orphanRows(su)).toBe(0);

    // However old, and whoever asks for everything: unfinished instances stay, and still run.
    await age(su, unfinished, '100 years');
    expect(Number((await su.query(`SELECT df.cleanup('0 seconds') AS n`)).rows[0].n)).toBe(0);
    expect(await rowsOf(su, unfinished)).toEqual(unfinishedBefore);
    await fx.startWorkers(2);
    await fx.value(`SELECT df.signal($1, 'go', '{}')`, [waiting]);
    expect((await awaitWorkflow(fx, waiting)).status).toBe('completed');
    expect((await awaitWorkflow(fx, pending)).status).toBe('completed');
    expect(await fx.value(`SELECT df.cancel($1)`, [sleeping])).toContain('cancelled');
  });

  it('without an argument uses the period an administrator set (30 days when none), with one the period given', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await runWorkflow(fx, `'SELECT ${i} AS i'`)).id);
    await age(su, ids, '10 days');
    expect(Number(await fx.value(`SELECT df.cleanup()`))).toBe(0);
    expect(Number(await fx.value(`SELECT df.cleanup('11 days')`))).toBe(0);
    expect(await remaining(su, ids)).toEqual([...ids].sort());

    await su.query(`ALTER DATABASE ${db()} SET pg_durable.retention_period = '7 days'`);
    try {
      expect(Number(await fx.value(`SELECT df.cleanup(NULL)`))).toBe(3);
      expect(await remaining(su, ids)).toEqual([]);
      // Just under the period: kept; the period counts from the end, not the start.
      const young = (await runWorkflow(fx, `'SELECT 1'`)).id;
      await su.query(`UPDATE df.instances SET created_at = now() - interval '1 year', updated_at = now() - interval '6 days' WHERE id = $1`, [young]);
      expect(Number(await fx.value(`SELECT df.cleanup()`))).toBe(0);
      expect(Number(await fx.value(`SELECT df.cleanup('5 days')`))).toBe(1);
    } finally {
      await su.query(`ALTER DATABASE ${db()} RESET pg_durable.retention_period`);
    }
  });

  it('keeps only the newest pg_durable.retention_max_instances terminal instances of a role', async () => {
    await fx.value(`SELECT df.cleanup('0 seconds')`); // what earlier tests left
    const sleeping = await startWorkflow(fx, `df.sleep(3600)`);
    const done: string[] = [];
    for (let i = 0; i < 5; i++) done.push((await runWorkflow(fx, `'SELECT ${i} AS i'`)).id);
    // Created one minute apart, all young; the unfinished one is the oldest of all.
    for (const [i, id] of done.entries()) await age(su, [id], `${5 - i} minutes`);
    await age(su, [sleeping], '1 hour');

    await su.query(`ALTER DATABASE ${db()} SET pg_durable.retention_max_instances = 3`);
    try {
      expect(Number(await fx.value(`SELECT df.cleanup()`))).toBe(2);
      expect(await remaining(su, [sleeping, ...done])).toEqual([sleeping, ...done.slice(2)].sort());
      expect(Number(await fx.value(`SELECT df.cleanup()`))).toBe(0);
    } finally {
      await su.query(`ALTER DATABASE ${db()} RESET pg_durable.retention_max_instances`);
    }
    expect(await fx.value(`SELECT df.cancel($1)`, [sleeping])).toContain('cancelled');
  });

  it('refuses what it cannot do, with the SQLSTATE of the class and what to do', async () => {
    const negative = await fx.user.query(`SELECT df.cleanup('-1 day')`).catch((e) => e);
    expect(negative.code).toBe('22023');
    expect(negative.message).toBe('older_than must not be negative, got -1 days');
    await fx.user.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const rr = await fx.user.query(`SELECT df.cleanup()`).catch((e) => e);
    await fx.user.query('ROLLBACK');
    expect(rr.code).toBe('25000');
    expect(rr.hint).toContain('READ COMMITTED');
    await fx.user.query('BEGIN');
    const inBlock = await fx.user.query(`CALL df.run_cleanup()`).catch((e) => e);
    await fx.user.query('ROLLBACK');
    expect(inBlock.code).toBe('2D000');

    for (const [name, value, message] of [
      ['retention_period', 'soon', `pg_durable.retention_period = 'soon' is not a positive interval`],
      ['retention_period', '0', `pg_durable.retention_period = '0' is not a positive interval`],
      ['retention_max_instances', '-5', `pg_durable.retention_max_instances = '-5' is not a whole number of instances (0 for no cap)`],
      ['cleanup_batch_size', '0', `pg_durable.cleanup_batch_size = '0' is not a number between 1 and 100000`],
    ]) {
      await su.query(`ALTER DATABASE ${db()} SET pg_durable.${name} = '${value}'`);
      try {
        const err = await fx.user.query(`SELECT df.cleanup()`).catch((e) => e);
        expect(err.code, name).toBe('22023');
        expect(err.message).toBe(message);
        expect(err.hint).toContain(`ALTER DATABASE … SET pg_durable.${name}`);
      } finally {
        await su.query(`ALTER DATABASE ${db()} RESET pg_durable.${name}`);
      }
    }
  });
});

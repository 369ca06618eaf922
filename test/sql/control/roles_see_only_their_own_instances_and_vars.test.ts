// Row-level security: a role sees and manages only its own instances, nodes and variables; the
// functions treat another role's instance as unknown (spec sections 4, 5 and 13).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { serverUrl, urlFor, withClient } from '../../support/server.js';
import { awaitWorkflow, runWorkflow, startWorkflow } from '../../support/workflow.js';
import { WorkerPool } from '../../../src/cli/worker-pool.js';

let fx: EngineFixture;
const other = `pgd_c_rls_other_${process.pid}`;
let otherClient: pg.Client;
let otherWorkers: WorkerPool | null = null;
let mine: string; // a completed instance of the fixture role
let waiting: string; // one waiting for a signal

beforeAll(async () => {
  fx = await engineFixture('c_rls');
  await withClient(serverUrl(), async (c) => {
    await c.query(`DROP ROLE IF EXISTS "${other}"`);
    await c.query(`CREATE ROLE "${other}" LOGIN`);
  });
  const admin = await fx.scratch.admin();
  await admin.query(`SELECT df.grant_usage($1)`, [other]);
  otherClient = new pg.Client({ connectionString: urlFor(fx.scratch.name, other) });
  await otherClient.connect();
  await fx.startWorkers(1);
  await fx.value(`SELECT df.setvar('shared', 'mine'), df.setvar('only_mine', 'secret')`);
  mine = (await runWorkflow(fx, `'SELECT ''{shared}'' AS v'`)).id;
  waiting = await startWorkflow(fx, `df.wait_for_signal('go') ~> 'SELECT 1 AS one'`);
});
afterAll(async () => {
  await otherWorkers?.stop();
  await otherClient?.end();
  await fx?.close();
  await withClient(serverUrl(), (c) => c.query(`DROP ROLE IF EXISTS "${other}"`));
});

const asOther = async <T = unknown>(sql: string, params: unknown[] = []): Promise<T> => {
  const { rows } = await otherClient.query({ text: sql, values: params, rowMode: 'array' });
  return rows[0]?.[0] as T;
};

describe('another role', () => {
  it('gets NULL from df.status, df.result and df.error for my instances', async () => {
    expect(await fx.value('SELECT df.status($1)', [mine])).toBe('completed');
    expect(await asOther('SELECT df.status($1)', [mine])).toBeNull();
    expect(await asOther('SELECT df.result($1)', [mine])).toBeNull();
    expect(await asOther('SELECT df.status($1)', [waiting])).toBeNull();
  });

  it('sees none of my instances, nodes or variables in the tables', async () => {
    expect(await fx.value<number>('SELECT count(*)::int FROM df.instances')).toBeGreaterThanOrEqual(2);
    expect(await fx.value<number>('SELECT count(*)::int FROM df.nodes')).toBeGreaterThanOrEqual(3);
    expect(await fx.value<number>('SELECT count(*)::int FROM df.vars')).toBe(2);
    expect(await asOther('SELECT count(*)::int FROM df.instances')).toBe(0);
    expect(await asOther('SELECT count(*)::int FROM df.nodes')).toBe(0);
    expect(await asOther('SELECT count(*)::int FROM df.vars')).toBe(0);
  });

  it('cannot cancel, signal or await my instances', async () => {
    const denied = `Instance not found or access denied: ${waiting}`;
    expect(await fx.value('SELECT df.status($1)', [waiting])).toBe('running');
    await expect(asOther('SELECT df.cancel($1)', [waiting])).rejects.toThrow(denied);
    await expect(asOther('SELECT df.signal($1, $2)', [waiting, 'go'])).rejects.toThrow(denied);
    await expect(asOther('SELECT df.await_instance($1, 1)', [waiting])).rejects.toThrow(denied);
    expect(await fx.value('SELECT df.status($1)', [waiting])).toBe('running');
    expect(await fx.value<number>('SELECT count(*)::int FROM df.signals')).toBe(0);
  });

  it('cannot change my instances or variables through the tables', async () => {
    await asOther(`UPDATE df.instances SET status = 'cancelled' WHERE id = $1`, [waiting]).catch(() => undefined);
    await asOther(`UPDATE df.vars SET value = 'hacked' WHERE name = 'shared'`).catch(() => undefined);
    expect(await fx.value('SELECT df.status($1)', [waiting])).toBe('running');
    expect(await fx.value(`SELECT df.getvar('shared')`)).toBe('mine');
  });

  it('cannot forge the owner of a variable', async () => {
    await expect(
      asOther(`INSERT INTO df.vars (name, value, owner) VALUES ('forged', 'x', $1::regrole)`, [fx.role]),
    ).rejects.toThrow();
    expect(await fx.value(`SELECT df.getvar('forged')`)).toBeNull();
  });

  it('has its own variables under the same names', async () => {
    expect(await asOther(`SELECT df.getvar('shared')`)).toBeNull();
    expect(await asOther(`SELECT df.getvar('only_mine')`)).toBeNull();
    await asOther(`SELECT df.setvar('shared', 'theirs')`);
    expect(await asOther(`SELECT df.getvar('shared')`)).toBe('theirs');
    expect(await fx.value(`SELECT df.getvar('shared')`)).toBe('mine');
    await asOther(`SELECT df.clearvars()`);
    expect(await fx.value(`SELECT df.getvar('shared')`)).toBe('mine');
    expect(await fx.value(`SELECT df.getvar('only_mine')`)).toBe('secret');
  });

  it("has its instances run by its own workers, with its own variables, not by mine", async () => {
    await asOther(`SELECT df.setvar('shared', 'theirs')`);
    const theirs = await asOther<string>(`SELECT df.start('SELECT ''{shared}'' AS v, current_user::text AS who')`);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await asOther('SELECT df.status($1)', [theirs])).toBe('pending'); // my worker does not run it
    expect(await fx.value('SELECT df.status($1)', [theirs])).toBeNull();
    otherWorkers = new WorkerPool({ url: urlFor(fx.scratch.name, other), workers: 1, callSeconds: 2, idlePollMs: 5 });
    await otherWorkers.start();
    expect(await asOther('SELECT df.await_instance($1, 10)', [theirs])).toBe('completed');
    expect(JSON.parse(await asOther<string>('SELECT df.result($1)', [theirs]))).toEqual({
      rows: [{ v: 'theirs', who: other }],
      row_count: 1,
    });
    expect(await fx.value<number>('SELECT count(*)::int FROM df.instances WHERE id = $1', [theirs])).toBe(0);
  });

  it('leaves my instances to me: my signal still completes my waiting instance', async () => {
    await fx.value('SELECT df.signal($1, $2)', [waiting, 'go']);
    expect((await awaitWorkflow(fx, waiting, 10)).result).toEqual({ rows: [{ one: 1 }], row_count: 1 });
  });
});

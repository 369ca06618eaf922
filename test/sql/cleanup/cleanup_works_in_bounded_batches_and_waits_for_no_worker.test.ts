// A cleanup works in batches of at most pg_durable.cleanup_batch_size instances (each a few
// statements); df.run_cleanup commits after each batch, df.cleanup runs them in the caller's
// transaction. It never waits for a worker and never touches what a worker runs: an instance
// whose step a worker still runs (the loser of a race the instance already won) stays until
// the step is over, and a cleanup transaction left open stalls no worker.
//
// The 5,000 old instances are copies of one instance a worker ran (its instance, node and
// result rows, as the engine wrote them) made by the superuser, so the test does not spend a
// minute running them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { ident } from '../../support/roles.js';
import { awaitWorkflow, runWorkflow, startWorkflow } from '../../support/workflow.js';
import { installSlowInsert, slowStepRunning, waitFor } from '../../support/slow-step.js';
import { age, orphanRows, remaining, rowsOf } from './rows.js';

let fx: EngineFixture;
let su: pg.Client;
let model: string;

beforeAll(async () => {
  fx = await engineFixture('cleanup_batches');
  su = await fx.scratch.admin();
  await fx.user.query(`CREATE TABLE t (v text)`);
  await installSlowInsert(fx);
  await fx.startWorkers(2);
  model = (await runWorkflow(fx, `('SELECT 1 AS one' |=> 'one') ~> 'SELECT $one + 1 AS two'`)).id;
});
afterAll(async () => {
  await fx?.close();
});

/** n copies of the model instance, ended a year ago; ids 'c' + a counter, never drawn by df.start in practice. */
async function oldCopies(n: number, tag: string): Promise<string[]> {
  const { rows } = await su.query(
    `WITH ins AS (
       INSERT INTO df.instances (id, label, root_node, status, submitted_by, database, created_at, updated_at, completed_at, vars, result)
       SELECT $3 || lpad(to_hex(g), 7, '0'), m.label, m.root_node, m.status, m.submitted_by, m.database,
              m.created_at - interval '1 year' + g * interval '1 millisecond', m.updated_at - interval '1 year',
              m.completed_at - interval '1 year', m.vars, m.result
       FROM df.instances m, generate_series(1, $2::int) g WHERE m.id = $1
       RETURNING id, submitted_by),
     nodes AS (
       INSERT INTO df.nodes (instance_id, id, node_type, query, result_name, left_node, right_node, status, result, submitted_by,
                             database, status_details, parent_node, condition_node, extra_nodes, retry)
       SELECT ins.id, n.id, n.node_type, n.query, n.result_name, n.left_node, n.right_node, n.status, n.result, n.submitted_by,
              n.database, n.status_details, n.parent_node, n.condition_node, n.extra_nodes, n.retry
       FROM ins JOIN df.nodes n ON n.instance_id = $1),
     results AS (
       INSERT INTO df.results (instance_id, name, value, owner) SELECT ins.id, r.name, r.value, r.owner FROM ins JOIN df.results r ON r.instance_id = $1)
     SELECT id FROM ins ORDER BY id`,
    [model, n, tag],
  );
  return rows.map((r) => r.id as string);
}

/** The DEBUG line of each batch: how many it removed, and in which transaction. */
async function batches(sql: string): Promise<{ removed: number; of: number; xid: string }[]> {
  const lines: string[] = [];
  const onNotice = (n: { message?: string }) => lines.push(n.message ?? '');
  su.on('notice', onNotice);
  try {
    await su.query(`SET client_min_messages = debug1`);
    await su.query(sql);
  } finally {
    await su.query(`SET client_min_messages = warning`);
    su.off('notice', onNotice);
  }
  return lines.flatMap((l) => {
    const m = /^pg_durable: cleanup removed (\d+) of (\d+) instance\(s\) of role \S+ in transaction (\d+)$/.exec(l);
    return m ? [{ removed: Number(m[1]), of: Number(m[2]), xid: m[3] }] : [];
  });
}

describe('batches', () => {
  it('df.run_cleanup removes 5,000 old instances 1,000 at a time, committing after each batch', async () => {
    const ids = await oldCopies(5000, 'c');
    const before = await rowsOf(su, ids);
    expect(before).toMatchObject({ instances: 5000, results: 5000 });
    expect(before.nodes).toBeGreaterThanOrEqual(5000 * 3);
    const seen = await batches(`CALL df.run_cleanup()`);
    expect(seen.map((b) => b.removed)).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(new Set(seen.map((b) => b.xid)).size).toBe(5);
    expect(await rowsOf(su, ids)).toEqual({ instances: 0, nodes: 0, activations: 0, signals: 0, results: 0, branch_results: 0 });
    expect(await remaining(su, [model])).toEqual([model]);
    expect(await orphanRows(su)).toBe(0);
  });

  it('df.cleanup takes pg_durable.cleanup_batch_size at a time, in the caller’s transaction', async () => {
    const ids = await oldCopies(2100, 'd');
    await su.query(`ALTER DATABASE ${ident(fx.scratch.name)} SET pg_durable.cleanup_batch_size = 700`);
    try {
      const seen = await batches(`SELECT df.cleanup()`);
      expect(seen.map((b) => b.removed)).toEqual([700, 700, 700]);
      expect(new Set(seen.map((b) => b.xid)).size).toBe(1);
    } finally {
      await su.query(`ALTER DATABASE ${ident(fx.scratch.name)} RESET pg_durable.cleanup_batch_size`);
    }
    expect(await remaining(su, ids)).toEqual([]);
  });
});

describe('workers', () => {
  it('a worker running a step is never waited for, and no instance it runs is touched', async () => {
    // A race already won while its loser's step still runs, and an instance running a step.
    const race = await startWorkflow(fx, `df.race('SELECT slow_insert(1, ''loser'', 4)', 'SELECT ''fast'' AS w')`);
    const running = await startWorkflow(fx, `'SELECT slow_insert(2, ''long step'', 4)'`);
    expect((await awaitWorkflow(fx, race)).status).toBe('completed');
    await waitFor('both slow steps to run', async () => (await slowStepRunning(fx, 1)) && (await slowStepRunning(fx, 2)));
    await age(su, [race, running], '1 year');
    const copies = await oldCopies(3000, 'e');
    const rowsBefore = await rowsOf(su, [race, running]);

    // A cleanup left open removes the copies and holds them; it waited for no one.
    await su.query(`SET statement_timeout = '3s'`);
    await su.query('BEGIN');
    try {
      expect(Number((await su.query(`SELECT df.cleanup('1 day') AS n`)).rows[0].n)).toBe(3000);
      expect(await rowsOf(su, [race, running])).toEqual(rowsBefore);
      // Meanwhile the workers go on: both slow steps end (the loser's rolls back, the other
      // commits) and new workflows run to the end.
      expect((await awaitWorkflow(fx, running)).status).toBe('completed');
      await waitFor('the loser’s step to end', async () => !(await slowStepRunning(fx, 1)));
      for (let i = 0; i < 3; i++) expect((await runWorkflow(fx, `'SELECT ${i} AS i'`)).status).toBe('completed');
      await su.query('COMMIT');
    } catch (e) {
      await su.query('ROLLBACK');
      throw e;
    } finally {
      await su.query(`RESET statement_timeout`);
    }
    expect(await remaining(su, copies)).toEqual([]);
    expect(await fx.value(`SELECT string_agg(v, ',' ORDER BY v) FROM t`)).toBe('long step');
    expect(await fx.value(`SELECT df.result($1)`, [race])).toBe('{"rows":[{"w":"fast"}],"row_count":1}');

    // Once its step is over, the race's instance goes too (the other one ended just now).
    await waitFor('the loser’s activation to be retired', async () =>
      Number((await su.query(`SELECT count(*) AS n FROM df.activations WHERE instance_id = $1 AND NOT retired`, [race])).rows[0].n) === 0,
    );
    expect(Number((await su.query(`SELECT df.cleanup('1 day') AS n`)).rows[0].n)).toBeGreaterThanOrEqual(1);
    expect(await remaining(su, [race, running])).toEqual([running]);
    expect(await orphanRows(su)).toBe(0);
  });
});

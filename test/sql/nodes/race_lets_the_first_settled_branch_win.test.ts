// RACE: the first branch to settle (complete or fail) decides; the loser's pending work never
// runs, and a loser step that is mid-statement at that moment commits nothing (spec section 9).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow } from '../../support/workflow.js';
import { installSlowInsert, SLOW_LOCK_CLASS, slowStepRunning, waitFor } from '../../support/slow-step.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('n_race');
  await fx.user.query('CREATE TABLE t (v text)');
  await installSlowInsert(fx);
  // Returns once another session holds the lock of slow_insert(key, …).
  await fx.user.query(`
    CREATE FUNCTION wait_running(key int) RETURNS text LANGUAGE plpgsql AS $$
    DECLARE deadline timestamptz := clock_timestamp() + interval '10 seconds';
    BEGIN
      WHILE NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = ${SLOW_LOCK_CLASS} AND objid = key
                          AND objsubid = 2 AND granted AND pid <> pg_backend_pid()
                          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())) LOOP
        IF clock_timestamp() > deadline THEN RAISE EXCEPTION 'slow_insert(%) never started', key; END IF;
        PERFORM pg_sleep(0.01);
      END LOOP;
      RETURN 'winner';
    END $$`);
  await fx.startWorkers(2);
});
afterAll(async () => fx?.close());
beforeEach(async () => {
  await fx.user.query('TRUNCATE t');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until slow_insert(key, …) has ended, committed or rolled back. */
const untilReleased = (key: number) =>
  waitFor(`slow_insert(${key}) to end`, async () => !(await slowStepRunning(fx, key)), 15_000);

describe('RACE', () => {
  it('gives the result of the first branch to complete, whichever side it is on', async () => {
    const right = await runWorkflow(fx, `'SELECT ''slow'' AS w FROM pg_sleep(1)' | 'SELECT ''fast'' AS w'`);
    expect(right.result).toEqual({ rows: [{ w: 'fast' }], row_count: 1 });
    const left = await runWorkflow(fx, `'SELECT ''fast'' AS w' | 'SELECT ''slow'' AS w FROM pg_sleep(1)'`);
    expect(left.result).toEqual({ rows: [{ w: 'fast' }], row_count: 1 });
  });

  it('fails when a failure settles first', async () => {
    const done = await runWorkflow(fx, `'SELECT 1 AS w FROM pg_sleep(1)' | 'SELECT 1/0'`);
    expect(done.status).toBe('failed');
    expect(done.error).toBe('division by zero');
  });

  it('never runs the pending work of the loser', async () => {
    const done = await runWorkflow(
      fx,
      `(df.sleep(1) ~> 'INSERT INTO t VALUES (''loser'')') | 'SELECT ''winner'' AS w'`,
    );
    expect(done.result).toEqual({ rows: [{ w: 'winner' }], row_count: 1 });
    await sleep(2000); // the loser's timer would have fired by now
    expect(await fx.value('SELECT count(*)::int FROM t')).toBe(0);
  });

  it('commits nothing of a loser step that is mid-statement when the winner settles', async () => {
    const done = await runWorkflow(fx, `'SELECT slow_insert(1, ''loser'', 1.5)' | 'SELECT wait_running(1) AS w'`);
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ w: 'winner' }], row_count: 1 });
    await untilReleased(1); // the loser's statement has finished and its transaction ended
    expect(await fx.value('SELECT count(*)::int FROM t')).toBe(0);
  });

  it('commits nothing of a mid-statement loser written as one INSERT … pg_sleep statement', async () => {
    const done = await runWorkflow(
      fx,
      `'INSERT INTO t SELECT ''loser'' FROM pg_sleep(2)' | 'SELECT 1 AS w FROM pg_sleep(0.3)'`,
    );
    expect(done.result).toEqual({ rows: [{ w: 1 }], row_count: 1 });
    await sleep(3000);
    expect(await fx.value('SELECT count(*)::int FROM t')).toBe(0);
  });

  it('passes the winner result and name to the steps after it', async () => {
    const done = await runWorkflow(
      fx,
      `(('SELECT 5 AS v' |=> 'a') | ('SELECT 6 AS v FROM pg_sleep(1)' |=> 'b')) ~> 'SELECT $a * 10 AS v'`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ v: 50 }], row_count: 1 });
  });

  it('does not bind the name of the loser', async () => {
    const done = await runWorkflow(
      fx,
      `(('SELECT 5 AS v' |=> 'a') | ('SELECT 6 AS v FROM pg_sleep(1)' |=> 'b')) ~> df.sleep(2) ~> 'SELECT ''$b'' AS b, $b AS v'`,
    );
    // $b names no result, so it stays verbatim and the statement cannot run.
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/syntax error at or near "\$"/);
  });
});

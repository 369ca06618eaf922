// JOIN: every branch runs at the same time on different workers, the result is the array of
// branch results in branch order, a failure fails the JOIN after all branches settle, and names
// bound in branches are visible afterwards (spec sections 1, 7 and 9).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('n_join');
  await fx.user.query('CREATE TABLE marks (who text, at timestamptz DEFAULT clock_timestamp())');
  await fx.user.query('CREATE TABLE met (who int)');
  // meet(mine, other) takes an advisory lock on key `mine` (visible to other sessions at once,
  // unlike a row) and waits until it sees another session hold key `other`, or sees that
  // `other` already returned (its row in met, committed with its step) — which it only does
  // after seeing `mine` held. Either way both calls ran at the same moment; run one after the
  // other, the first call times out.
  await fx.user.query(`
    CREATE FUNCTION meet(mine int, other int, seconds float8 DEFAULT 10) RETURNS text LANGUAGE plpgsql AS $$
    DECLARE deadline timestamptz := clock_timestamp() + seconds * interval '1 second';
    BEGIN
      PERFORM pg_advisory_xact_lock(4242, mine);
      LOOP
        IF EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = 4242 AND objid = other
                     AND objsubid = 2 AND granted AND pid <> pg_backend_pid()
                     AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
           OR EXISTS (SELECT 1 FROM met WHERE who = other) THEN
          INSERT INTO met VALUES (mine);
          RETURN 'met ' || other;
        END IF;
        IF clock_timestamp() > deadline THEN
          RAISE EXCEPTION 'branch % never saw branch % running', mine, other;
        END IF;
        PERFORM pg_sleep(0.01);
      END LOOP;
    END $$`);
  await fx.startWorkers(3);
});
afterAll(async () => fx?.close());
beforeEach(async () => {
  await fx.user.query('TRUNCATE marks');
});

describe('JOIN', () => {
  it('gives the branch results as an array in branch order (& nests, join3 is flat)', async () => {
    const nested = await runWorkflow(fx, `'SELECT 1 AS a' & 'SELECT 2 AS b' & 'SELECT 3 AS c'`);
    expect(nested.result).toEqual([
      [
        { rows: [{ a: 1 }], row_count: 1 },
        { rows: [{ b: 2 }], row_count: 1 },
      ],
      { rows: [{ c: 3 }], row_count: 1 },
    ]);
    const flat = await runWorkflow(fx, `df.join3('SELECT 1 AS a', 'SELECT 2 AS b', 'SELECT 3 AS c')`);
    expect(flat.result).toEqual([
      { rows: [{ a: 1 }], row_count: 1 },
      { rows: [{ b: 2 }], row_count: 1 },
      { rows: [{ c: 3 }], row_count: 1 },
    ]);
  });

  it('keeps branch order, not completion order', async () => {
    const done = await runWorkflow(fx, `'SELECT ''slow'' AS v FROM pg_sleep(0.5)' & 'SELECT ''fast'' AS v'`);
    expect(done.result).toEqual([
      { rows: [{ v: 'slow' }], row_count: 1 },
      { rows: [{ v: 'fast' }], row_count: 1 },
    ]);
  });

  it('runs its branches at the same time on different workers', async () => {
    const done = await runWorkflow(fx, `'SELECT meet(1, 2) AS r' & 'SELECT meet(2, 1) AS r'`);
    expect(done.error).toBeNull();
    expect(done.result).toEqual([
      { rows: [{ r: 'met 2' }], row_count: 1 },
      { rows: [{ r: 'met 1' }], row_count: 1 },
    ]);
    const three = await runWorkflow(
      fx,
      `df.join3('SELECT meet(11, 12) AS r', 'SELECT meet(12, 13) AS r', 'SELECT meet(13, 11) AS r')`,
    );
    expect(three.error).toBeNull();
    expect(three.status).toBe('completed');
  });

  it('cannot meet with one worker (the concurrency check can fail)', async () => {
    await fx.stopWorkers();
    try {
      await fx.startWorkers(1);
      const done = await runWorkflow(fx, `'SELECT meet(21, 22, 1) AS r' & 'SELECT meet(22, 21, 1) AS r'`);
      expect(done.status).toBe('failed');
      expect(done.error).toMatch(/^JOIN branch [12] failed: branch 2[12] never saw branch 2[12] running/);
    } finally {
      await fx.stopWorkers();
      await fx.startWorkers(3);
    }
  });

  it('fails after all branches settle, naming the failed branch', async () => {
    const done = await runWorkflow(
      fx,
      `'INSERT INTO marks (who) SELECT ''slow'' FROM pg_sleep(1)' & 'SELECT 1/0' & 'INSERT INTO marks (who) VALUES (''fast'')'`,
    );
    expect(done.status).toBe('failed');
    expect(done.error).toBe('JOIN branch 1 failed: JOIN branch 2 failed: division by zero');
    const { rows } = await fx.user.query('SELECT who FROM marks ORDER BY who');
    expect(rows.map((r) => r.who)).toEqual(['fast', 'slow']);
    const flat = await runWorkflow(fx, `df.join3('SELECT 1', 'SELECT 2', 'SELECT * FROM missing_table')`);
    expect(flat.error).toMatch(/^JOIN branch 3 failed: relation "missing_table" does not exist/);
  });

  it('skips the steps after a failed JOIN', async () => {
    const done = await runWorkflow(fx, `('SELECT 1' & 'SELECT 1/0') ~> 'INSERT INTO marks (who) VALUES (''after'')'`);
    expect(done.status).toBe('failed');
    expect(await fx.value('SELECT count(*)::int FROM marks')).toBe(0);
  });

  it('makes names bound in branches visible after the JOIN', async () => {
    const done = await runWorkflow(
      fx,
      `(('SELECT 10 AS a' |=> 'x') & ('SELECT 32 AS b' |=> 'y')) ~> 'SELECT $x + $y AS s'`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ s: 42 }], row_count: 1 });
  });

  // Documented difference from the contract ("later branches win"): the branch that
  // finishes last wins, because each branch's names are written as it settles.
  it('lets the branch that finishes last win when two branches bind the same name', async () => {
    const done = await runWorkflow(
      fx,
      `(('SELECT ''first'' AS v FROM pg_sleep(0.5)' |=> 'n') & ('SELECT ''second'' AS v' |=> 'n')) ~> 'SELECT $n AS v'`,
    );
    expect(done.result).toEqual({ rows: [{ v: 'first' }], row_count: 1 });
  });

  it('can itself be named and referenced as JSON', async () => {
    const done = await runWorkflow(
      fx,
      `(('SELECT 1 AS a' & 'SELECT 2 AS b') |=> 'both') ~> 'SELECT ($both::jsonb -> 1 -> ''rows'' -> 0 ->> ''b'')::int AS b'`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ b: 2 }], row_count: 1 });
  });
});

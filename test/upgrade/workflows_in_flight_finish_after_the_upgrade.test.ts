// Workflows an ordinary role started on the last release (a sleep, a paced loop, a wait for a
// signal, a join of two sleeps) finish after ALTER EXTENSION pg_durable UPDATE runs while
// they are in flight and workers are inside CALL df.work: each step takes effect exactly
// once, every instance ends with the result it would have had. The worker sessions survive:
// a call of the old version runs to its end, and the next call of the same session loads the
// new bundle; a client session that loaded the old bundle before the upgrade gets the new
// one on its next call, without reconnecting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createScratch, type Scratch } from '../support/scratch.js';
import { urlFor } from '../support/server.js';
import { createLoginRoles, dropRoles, ident } from '../support/roles.js';
import { waitFor } from '../support/slow-step.js';
import { WorkerPool } from '../../src/cli/worker-pool.js';
import { currentVersion, previousRelease } from './releases.js';

const role = `pgd_upgrade_in_flight_${process.pid}`;
let scratch: Scratch;
let admin: pg.Client;
let user: pg.Client;
let pool: WorkerPool | undefined;
const workerErrors: string[] = [];

const value = async <T>(sql: string, params: unknown[] = []): Promise<T> =>
  (await user.query({ text: sql, values: params, rowMode: 'array' })).rows[0]?.[0] as T;

/** A SQL step that records `tag` once per time it takes effect and returns it. */
const effect = (tag: string) => `'INSERT INTO effects (tag) VALUES (''${tag}'') RETURNING tag'`;

beforeAll(async () => {
  await createLoginRoles([role]);
  scratch = await createScratch('upgrade_in_flight');
  admin = await scratch.admin();
  await admin.query('SET client_min_messages = warning');
  await admin.query(`CREATE EXTENSION pg_durable VERSION '${previousRelease}' CASCADE`);
  await admin.query('SELECT df.grant_usage($1)', [role]);
  await admin.query(`GRANT CREATE ON SCHEMA public TO ${ident(role)}`);
  // Loop iterations at least a second apart, so the loop is still going when the upgrade runs.
  await admin.query(`ALTER DATABASE ${ident(scratch.name)} SET pg_durable.loop_min_interval = '1'`);
  user = new pg.Client({ connectionString: urlFor(scratch.name, role) });
  await user.connect();
  await user.query('CREATE TABLE effects (tag text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())');
});

afterAll(async () => {
  await pool?.stop();
  await user?.end();
  await scratch?.drop();
  await dropRoles([role]);
});

describe(`workflows started on ${previousRelease}, upgraded to ${currentVersion} while they run`, () => {
  it('all finish with their results, each step taking effect exactly once', async () => {
    expect(await value('SELECT df.version()')).toBe(previousRelease);
    const ids = {
      sleep: await value<string>(`SELECT df.start(${effect('sleep:before')} ~> df.sleep(12) ~> ${effect('sleep:after')})`),
      loop: await value<string>(
        `SELECT df.start(('SELECT 0 AS i' |=> 'i') ~> df.loop(
           ('INSERT INTO effects (tag) SELECT ''loop:'' || ($i + 1) RETURNING $i + 1 AS i' |=> 'i')
           ~> df.if('SELECT $i >= 5', df.break('$i'), 'SELECT 0')))`,
      ),
      signal: await value<string>(`SELECT df.start(df.wait_for_signal('go') ~> ${effect('signal:after')})`),
      signalData: await value<string>(`SELECT df.start(df.wait_for_signal('go'))`),
      join: await value<string>(
        `SELECT df.start(df."join"(df.sleep(3) ~> ${effect('join:left')}, df.sleep(6) ~> ${effect('join:right')}))`,
      ),
    };

    pool = new WorkerPool({
      url: urlFor(scratch.name, role),
      workers: 2,
      callSeconds: 2,
      idlePollMs: 5,
      onError: (e) => workerErrors.push(e.message),
    });
    await pool.start();
    const workerPids = pool.pids().sort();
    const tags = async () => (await user.query<{ tag: string }>('SELECT tag FROM effects ORDER BY at')).rows.map((r) => r.tag);
    await waitFor('the sleep and the loop to be under way', async () => {
      const done = await tags();
      return done.includes('sleep:before') && done.includes('loop:1');
    });
    await waitFor('a worker inside CALL df.work', async () => {
      const { rows } = await admin.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'CALL df.work%' AND state = 'active'`,
        [scratch.name],
      );
      return rows[0].n > 0;
    });

    await admin.query(`ALTER EXTENSION pg_durable UPDATE TO '${currentVersion}'`);

    const { rows: ext } = await admin.query(`SELECT extversion FROM pg_extension WHERE extname = 'pg_durable'`);
    expect(ext[0].extversion).toBe(currentVersion);
    // In flight across the upgrade: the sleep has seconds to go, the waits wait for a signal.
    for (const id of [ids.sleep, ids.signal, ids.signalData]) expect(await value('SELECT df.status($1)', [id])).toBe('running');
    // This session loaded the old bundle; its next call loads the new one.
    expect(await value('SELECT df.version()')).toBe(currentVersion);
    expect(await value(`SELECT df.signal($1, 'go', '{"by": "test"}')`, [ids.signal])).toBe('OK');
    expect(await value(`SELECT df.signal($1, 'go', '{"by": "test"}')`, [ids.signalData])).toBe('OK');
    const after = await value<string>(`SELECT df.start('SELECT 6 * 7 AS answer')`);

    const finished = async (id: string) => {
      expect(await value('SELECT df.await_instance($1, 60)', [id])).toBe('completed');
      return JSON.parse(await value<string>('SELECT df.result($1)', [id]));
    };
    expect(await finished(ids.sleep)).toEqual({ rows: [{ tag: 'sleep:after' }], row_count: 1 });
    expect(await finished(ids.loop)).toBe(5);
    expect(await finished(ids.signal)).toEqual({ rows: [{ tag: 'signal:after' }], row_count: 1 });
    expect(await finished(ids.signalData)).toEqual({ signal_name: 'go', timed_out: false, data: { by: 'test' } });
    expect(await finished(ids.join)).toEqual([
      { rows: [{ tag: 'join:left' }], row_count: 1 },
      { rows: [{ tag: 'join:right' }], row_count: 1 },
    ]);
    expect(await finished(after)).toEqual({ rows: [{ answer: 42 }], row_count: 1 });

    const { rows: counts } = await user.query<{ tag: string; n: number }>(
      'SELECT tag, count(*)::int AS n FROM effects GROUP BY tag ORDER BY tag',
    );
    expect(counts).toEqual(
      ['join:left', 'join:right', 'loop:1', 'loop:2', 'loop:3', 'loop:4', 'loop:5', 'signal:after', 'sleep:after', 'sleep:before']
        .map((tag) => ({ tag, n: 1 })),
    );
    // The worker sessions ran on through the upgrade: no call failed, no session was replaced.
    expect(workerErrors).toEqual([]);
    expect(pool.pids().sort()).toEqual(workerPids);
  }, 120_000);
});

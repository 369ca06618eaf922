// df.map at scale: one map of N one-step items against N independent one-step workflows on
// the same workers, and the workers' private memory as items settle and once the map settled.
import type pg from 'pg';
import { WorkerPool } from '../cli/worker-pool.js';
import { waitUntil } from './database.js';
import { rssAnonKb } from './engine-runs.js';

export interface MapRun {
  items: number;
  /** df.start of the map. */
  startMs: number;
  /** df.start returning → the items stored and the first bodies started. */
  itemsMs: number;
  /** df.start returning → the map settled. */
  seconds: number;
  /** Item steps (and the items step) per second. */
  stepsPerSecond: number;
  /** The same number of one-step workflows, started in one statement, run on the same workers. */
  independentStepsPerSecond: number;
  /**
   * Each worker backend's RssAnon when 10 % and when 90 % of the items had settled: flat when
   * settling items holds nothing (the items step before and the gathering step after are
   * single steps that handle every item at once).
   */
  itemsRssAnonKb: { at10: number[]; at90: number[] };
  /** Each worker backend's RssAnon once the map settled, its result gathered. */
  rssAnonKb: number[];
}

const CONCURRENCY = 64;

async function clear(admin: pg.Client): Promise<void> {
  await admin.query('TRUNCATE df.instances CASCADE');
}

async function settled(user: pg.Client, id: string): Promise<boolean> {
  const { rows } = await user.query(`SELECT status NOT IN ('pending', 'running') AS done FROM df.instances WHERE id = $1`, [id]);
  return rows[0].done as boolean;
}

/** Items settled so far, as the MAP's counts say. */
async function itemsDone(user: pg.Client, id: string): Promise<number> {
  const { rows } = await user.query(
    `SELECT (status_details ->> 'done')::int + (status_details ->> 'failed')::int AS n
     FROM df.nodes WHERE instance_id = $1 AND node_type = 'MAP'`,
    [id],
  );
  return Number(rows[0]?.n ?? 0);
}

export async function mapRun(url: string, user: pg.Client, admin: pg.Client, items: number, workers = 2): Promise<MapRun> {
  await clear(admin);
  const pool = new WorkerPool({ url, workers, callSeconds: 600, idlePollMs: 10 });
  await pool.start();
  try {
    await new Promise((r) => setTimeout(r, 300)); // sessions loaded the engine and are polling
    const t0 = performance.now();
    const { rows } = await user.query(
      `SELECT df.start(df.map('SELECT g FROM generate_series(1, ${items}) g', 'SELECT $item.g AS g', ${CONCURRENCY})) AS id`,
    );
    const id = rows[0].id as string;
    const t1 = performance.now();
    await waitUntil(async () => (await user.query(
      `SELECT 1 FROM df.nodes WHERE instance_id = $1 AND node_type = 'MAP' AND status_details IS NOT NULL`, [id],
    )).rowCount === 1, 900_000);
    const itemsMs = performance.now() - t1;
    const marks: { at10: number[]; at90: number[] } = { at10: [], at90: [] };
    await waitUntil(async () => {
      const done = await itemsDone(user, id);
      if (marks.at10.length === 0 && done >= items * 0.1) marks.at10 = pool.pids().map(rssAnonKb);
      if (marks.at90.length === 0 && done >= items * 0.9) marks.at90 = pool.pids().map(rssAnonKb);
      return settled(user, id);
    }, 3_600_000, 50);
    const seconds = (performance.now() - t1) / 1000;
    const rss = pool.pids().map(rssAnonKb);
    const { rows: end } = await user.query(`SELECT status, result -> 'row_count' AS n FROM df.instances WHERE id = $1`, [id]);
    if (end[0].status !== 'completed' || Number(end[0].n) !== items) {
      throw new Error(`the map of ${items} items ended ${end[0].status} with ${end[0].n} rows`);
    }

    await clear(admin);
    await user.query(`SELECT count(df.start('SELECT ' || g || ' AS g')) FROM generate_series(1, ${items}) g`);
    const t2 = performance.now();
    await waitUntil(async () => (await user.query(
      `SELECT 1 FROM df.instances WHERE status IN ('pending', 'running') LIMIT 1`,
    )).rowCount === 0, 3_600_000, 50);
    const independentSeconds = (performance.now() - t2) / 1000;
    return {
      items, startMs: t1 - t0, itemsMs, seconds, stepsPerSecond: (items + 1) / seconds,
      independentStepsPerSecond: items / independentSeconds, itemsRssAnonKb: marks, rssAnonKb: rss,
    };
  } finally {
    await pool.stop();
  }
}

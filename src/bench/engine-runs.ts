// Workloads run through pg_durable itself.
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { WorkerPool } from '../cli/worker-pool.js';
import { nextXid, percentile, waitUntil } from './database.js';

export interface Throughput {
  workers: number;
  steps: number;
  seconds: number;
  stepsPerSecond: number;
  xidsPerStep: number;
}

const UPDATE_STEP = 'UPDATE counters SET n = n + 1 WHERE id = $1';
/** Returns a row of about 1 KB, so a worker that kept step results would grow with every step. */
const ROW_STEP = `UPDATE counters SET n = n + 1 WHERE id = $1 RETURNING n, repeat('x', 1000) AS pad`;

function chain(counter: number, steps: number, step: string): string {
  const sql = step.replace('$1', String(counter)).replace(/'/g, "''");
  return Array.from({ length: steps }, () => `'${sql}'`).join(' ~> ');
}

/** Starts `instances` chains of `steps` in one transaction; workers are already idle. */
async function startChains(user: pg.Client, instances: number, steps: number, step = UPDATE_STEP): Promise<void> {
  await user.query('BEGIN');
  for (let i = 1; i <= instances; i++) await user.query(`SELECT df.start(${chain(i, steps, step)})`);
  await user.query('COMMIT');
}

async function allDone(user: pg.Client): Promise<boolean> {
  const { rows } = await user.query(`SELECT count(*)::int AS n FROM df.instances WHERE status NOT IN ('completed', 'failed')`);
  return rows[0].n === 0;
}

async function clearInstances(admin: pg.Client): Promise<void> {
  await admin.query('TRUNCATE df.instances CASCADE');
}

export async function throughput(url: string, user: pg.Client, admin: pg.Client, workers: number, instances = 200, steps = 10): Promise<Throughput> {
  await clearInstances(admin);
  const pool = new WorkerPool({ url, workers, callSeconds: 60, idlePollMs: 10 });
  await pool.start();
  try {
    await new Promise((r) => setTimeout(r, 300)); // sessions loaded the engine and are polling
    await startChains(user, instances, steps);
    const xid0 = await nextXid(admin);
    const t0 = performance.now();
    await waitUntil(() => allDone(user), 600_000);
    const seconds = (performance.now() - t0) / 1000;
    const xids = Number((await nextXid(admin)) - xid0);
    const failed = await user.query(`SELECT count(*)::int AS n FROM df.instances WHERE status = 'failed'`);
    if (failed.rows[0].n) throw new Error(`${failed.rows[0].n} benchmark instances failed`);
    const total = instances * steps;
    return { workers, steps: total, seconds, stepsPerSecond: total / seconds, xidsPerStep: xids / total };
  } finally {
    await pool.stop();
  }
}

export interface WideJoin {
  branches: number;
  /** df.start of the whole JOIN. */
  startMs: number;
  /** df.start returning → the JOIN settled. */
  seconds: number;
  branchesPerSecond: number;
  xidsPerBranch: number;
}

/** One JOIN of `branches` one-step branches (`SELECT i`): started in one df.start, run to its end. */
export async function wideJoin(url: string, user: pg.Client, admin: pg.Client, branches: number, workers = 2): Promise<WideJoin> {
  await clearInstances(admin);
  const step = (i: number) => ({ node_type: 'SQL', query: `SELECT ${i} AS branch` });
  const envelope = JSON.stringify({
    node_type: 'JOIN', left_node: step(1), right_node: step(2),
    extra_nodes: Array.from({ length: branches - 2 }, (_, i) => step(i + 3)),
  });
  const pool = new WorkerPool({ url, workers, callSeconds: 60, idlePollMs: 10 });
  await pool.start();
  try {
    await new Promise((r) => setTimeout(r, 300)); // sessions loaded the engine and are polling
    const xid0 = await nextXid(admin);
    const t0 = performance.now();
    const id = (await user.query('SELECT df.start($1) AS id', [envelope])).rows[0].id as string;
    const t1 = performance.now();
    // What autovacuum does soon after a JOIN this size starts: the workers plan again, with
    // statistics in which most activations share one parent.
    await admin.query('ANALYZE df.activations, df.nodes');
    const settled = async () =>
      (await user.query(`SELECT status NOT IN ('pending', 'running') AS done FROM df.instances WHERE id = $1`, [id])).rows[0].done as boolean;
    await waitUntil(settled, 900_000);
    const seconds = (performance.now() - t1) / 1000;
    const xids = Number((await nextXid(admin)) - xid0);
    const { rows } = await user.query(`SELECT status, json_array_length(result) AS n FROM df.instances WHERE id = $1`, [id]);
    if (rows[0].status !== 'completed' || rows[0].n !== branches) {
      throw new Error(`the ${branches}-branch JOIN ended ${rows[0].status} with ${rows[0].n} results`);
    }
    return { branches, startMs: t1 - t0, seconds, branchesPerSecond: branches / seconds, xidsPerBranch: xids / branches };
  } finally {
    await pool.stop();
  }
}

/** df.start returning → the first step's statement running, with one idle worker polling. */
export async function startLatency(url: string, user: pg.Client, admin: pg.Client, samples = 20): Promise<{ median: number; p95: number }> {
  await clearInstances(admin);
  await user.query(`CREATE TABLE IF NOT EXISTS first_step (id text PRIMARY KEY, at timestamptz NOT NULL)`);
  const pool = new WorkerPool({ url, workers: 1, callSeconds: 60, idlePollMs: 10 });
  await pool.start();
  const latencies: number[] = [];
  try {
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < samples; i++) {
      const { rows } = await user.query(
        `SELECT df.start('INSERT INTO first_step VALUES (''{sys_instance_id}'', clock_timestamp())') AS id, clock_timestamp() AS started`,
      );
      const { id } = rows[0];
      await waitUntil(async () => (await user.query(`SELECT 1 FROM first_step WHERE id = $1`, [id])).rowCount === 1, 10_000);
      const { rows: lat } = await user.query(
        `SELECT extract(epoch FROM (f.at - $2::timestamptz)) * 1000 AS ms FROM first_step f WHERE f.id = $1`,
        [id, rows[0].started],
      );
      latencies.push(Number(lat[0].ms));
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 50)); // arrivals out of phase with the poll
    }
  } finally {
    await pool.stop();
  }
  latencies.sort((a, b) => a - b);
  return { median: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

/** Runs `instances` × `steps` row-returning steps through one worker and reads that worker backend's anonymous memory. */
export async function workerMemory(url: string, user: pg.Client, admin: pg.Client, instances: number, steps: number, checkpoints: number[]): Promise<{ steps: number; rssAnonKb: number }[]> {
  await clearInstances(admin);
  await user.query('UPDATE counters SET n = 0');
  const pool = new WorkerPool({ url, workers: 1, callSeconds: 600, idlePollMs: 10 });
  await pool.start();
  const out: { steps: number; rssAnonKb: number }[] = [];
  try {
    const [pid] = pool.pids();
    await startChains(user, instances, steps, ROW_STEP);
    for (const target of checkpoints) {
      // Every step adds one to a counter: their sum is the number of steps done.
      await waitUntil(async () => {
        const { rows } = await user.query(`SELECT coalesce(sum(n), 0)::int AS n FROM counters`);
        return rows[0].n >= target;
      }, 900_000, 250);
      out.push({ steps: target, rssAnonKb: rssAnonKb(pid) });
    }
  } finally {
    await pool.stop();
  }
  return out;
}

/** Private (anonymous) resident memory of a backend on this machine. */
export function rssAnonKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

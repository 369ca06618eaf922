// `pg-durable bench`: throughput, start latency, the plv8 ceiling, XIDs and worker memory,
// measured on the private cluster in one run. Figures, never assertions.
import os from 'node:os';
import { setUp } from './database.js';
import { connect } from '../cli/app-database.js';
import { startLatency, throughput, workerMemory } from './engine-runs.js';
import { ceiling } from './ceiling.js';

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export async function bench(adminUrl: string, options: { memorySteps: number; release: string | null }): Promise<void> {
  console.log(`pg_durable benchmark on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${fmt(os.totalmem() / 2 ** 30)} GiB`);
  const { adminDb, userDb } = await setUp(adminUrl, options.release);
  const admin = await connect(adminDb);
  const user = await connect(userDb);
  try {
    const server = (await admin.query('SHOW server_version')).rows[0].server_version;
    const plv8 = (await admin.query('SELECT plv8_version() AS v')).rows[0].v;
    const version = (await admin.query(`SELECT extversion FROM pg_extension WHERE extname = 'pg_durable'`)).rows[0].extversion;
    console.log(`PostgreSQL ${server}, plv8 ${plv8}, pg_durable ${version}\n`);

    console.log('(a) 200 instances × 10 sequential steps (UPDATE counters SET n = n + 1 WHERE id = …)');
    const engine = new Map<number, number>();
    for (const workers of [1, 2, 4]) {
      const t = await throughput(userDb, user, admin, workers);
      engine.set(workers, t.stepsPerSecond);
      console.log(`    ${workers} worker(s): ${fmt(t.stepsPerSecond)} steps/s (${fmt(t.seconds, 2)} s), ${fmt(t.xidsPerStep, 2)} XIDs per step`);
    }

    console.log('\n(b) df.start returning → first step running, 20 single starts, one idle worker');
    const lat = await startLatency(userDb, user, admin);
    console.log(`    median ${fmt(lat.median, 1)} ms, p95 ${fmt(lat.p95, 1)} ms`);

    console.log('\n(c) ceiling: hand-written plv8 procedure, prepared plans, same workload');
    for (const workers of [1, 2]) {
      const c = await ceiling(userDb, user, admin, workers);
      const ratio = (engine.get(workers) ?? 0) / c.stepsPerSecond;
      console.log(`    ${workers} session(s): ${fmt(c.stepsPerSecond)} steps/s, ${fmt(c.xidsPerStep, 2)} XIDs per step; engine / ceiling = ${fmt(ratio * 100)} %`);
    }

    const steps = options.memorySteps;
    console.log(`\n(d) one worker backend's private memory (RssAnon) over ${fmt(steps)} steps in one worker session, each returning a 1 KB row`);
    const perInstance = 100;
    const marks = [0.1, 0.5, 1].map((f) => Math.round(steps * f));
    const mem = await workerMemory(userDb, user, admin, Math.ceil(steps / perInstance), perInstance, marks);
    for (const m of mem) console.log(`    after ${fmt(m.steps)} steps: ${fmt(m.rssAnonKb / 1024, 1)} MiB`);
  } finally {
    await user.end();
    await admin.end();
  }
}

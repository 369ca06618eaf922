// `pg-durable bench`: throughput, start latency, the plv8 ceiling, XIDs, worker memory and
// wide JOINs, HTTP steps and df.map, measured on the private cluster in one run. Figures, never assertions.
import os from 'node:os';
import { percentile, ROLE, setUp } from './database.js';
import { connect } from '../cli/app-database.js';
import { startLatency, throughput, wideJoin, workerMemory } from './engine-runs.js';
import { ceiling } from './ceiling.js';
import { allowHttp, dispatchLatency, httpThroughput } from './http-runs.js';
import { mapRun } from './map-runs.js';

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mib = (kbs: number[]) => kbs.map((kb) => `${fmt(kb / 1024, 1)} MiB`).join(', ');

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

    // 9,999 branches and the JOIN are the largest graph df.start takes (10,000 nodes).
    console.log('\n(e) wide JOIN: one df.start of N one-step branches (SELECT i), 2 workers, until the JOIN settles');
    const joins = [];
    for (const branches of [1_000, 9_999]) {
      const j = await wideJoin(userDb, user, admin, branches);
      joins.push(j);
      console.log(
        `    ${fmt(branches)} branches: start ${fmt(j.startMs)} ms, settled in ${fmt(j.seconds, 2)} s: ` +
          `${fmt(j.branchesPerSecond)} branches/s, ${fmt(j.xidsPerBranch, 2)} XIDs per branch`,
      );
    }
    const [small, large] = joins;
    console.log(
      `    branches/s at ${fmt(large.branches)} / at ${fmt(small.branches)}: ${fmt((large.branchesPerSecond / small.branchesPerSecond) * 100)} % ` +
        `(100 % when the cost per branch does not grow with the JOIN)`,
    );

    console.log(`\n(f) HTTP steps: one CLI worker (1 df.work session, its HTTP runner at 16 requests) against a server on 127.0.0.1 that answers at once`);
    if (await allowHttp(admin, ROLE)) {
      const h = await httpThroughput(userDb, user, admin);
      console.log(`    1,000 one-HTTP-step instances: ${fmt(h.seconds, 2)} s, ${fmt(h.stepsPerSecond)} HTTP steps/s`);
      const lat = await dispatchLatency(userDb, user, admin);
      const [sql, http] = [percentile(lat.sql, 50), percentile(lat.http, 50)];
      console.log(
        `    df.start → completed, one step: SQL median ${fmt(sql, 1)} ms (p95 ${fmt(percentile(lat.sql, 95), 1)}), ` +
          `HTTP median ${fmt(http, 1)} ms (p95 ${fmt(percentile(lat.http, 95), 1)}); dispatch adds ${fmt(http - sql, 1)} ms`,
      );
    } else {
      console.log('    this version has no HTTP steps');
    }

    console.log(`\n(g) df.map of N one-step items (SELECT $item.g, concurrency 64), 2 workers, against N one-step workflows`);
    for (const items of [1_000, 10_000, 100_000]) {
      const m = await mapRun(userDb, user, admin, items);
      console.log(
        `    ${fmt(items)} items: start ${fmt(m.startMs)} ms, items stored and first bodies started ${fmt(m.itemsMs)} ms, ` +
          `settled in ${fmt(m.seconds, 2)} s: ${fmt(m.stepsPerSecond)} steps/s; ${fmt(items)} workflows: ` +
          `${fmt(m.independentStepsPerSecond)} steps/s; map / workflows = ${fmt((m.stepsPerSecond / m.independentStepsPerSecond) * 100)} %; ` +
          `worker RssAnon ${mib(m.itemsRssAnonKb.at10)} at 10 % of the items settled, ${mib(m.itemsRssAnonKb.at90)} at 90 %, ` +
          `${mib(m.rssAnonKb)} once the result was gathered`,
      );
    }
  } finally {
    await user.end();
    await admin.end();
  }
}

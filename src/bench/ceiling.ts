// The in-database ceiling: a minimal hand-written plv8 procedure doing the same work per
// step as the engine's irreducible core (claim with SKIP LOCKED, the UPDATE, record a jsonb
// result, ready the next step, commit), with prepared plans.
import type pg from 'pg';
import { nextXid } from './database.js';
import { connect } from '../cli/app-database.js';
import type { Throughput } from './engine-runs.js';

const SETUP = `
DROP TABLE IF EXISTS ceiling_steps;
CREATE TABLE ceiling_steps (id bigserial PRIMARY KEY, counter int NOT NULL, step int NOT NULL,
                            ready boolean NOT NULL DEFAULT true, result jsonb, done_at timestamptz);
CREATE INDEX ON ceiling_steps (id) WHERE ready;
CREATE OR REPLACE PROCEDURE ceiling_worker(p_steps int) LANGUAGE plv8 AS $$
  const claim = plv8.prepare('SELECT id::text AS id, counter, step FROM ceiling_steps WHERE ready ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED');
  const work = plv8.prepare('UPDATE counters SET n = n + 1 WHERE id = $1', ['int4']);
  const record = plv8.prepare('UPDATE ceiling_steps SET ready = false, result = $2, done_at = clock_timestamp() WHERE id = $1::bigint', ['text', 'jsonb']);
  const next = plv8.prepare('INSERT INTO ceiling_steps (counter, step) VALUES ($1, $2)', ['int4', 'int4']);
  for (let idle = 0; idle < 50; ) {
    const rows = claim.execute([]);
    if (!rows.length) { idle++; plv8.execute('SELECT pg_sleep(0.002)'); continue; }
    const s = rows[0];
    const n = work.execute([s.counter]);
    record.execute([s.id, { rows: [], row_count: n }]);
    if (s.step < p_steps) next.execute([s.counter, s.step + 1]);
    plv8.commit();
  }
$$;`;

export async function ceiling(userUrl: string, user: pg.Client, admin: pg.Client, workers: number, instances = 200, steps = 10): Promise<Throughput> {
  await user.query(SETUP);
  await user.query(`INSERT INTO ceiling_steps (counter, step) SELECT i, 1 FROM generate_series(1, $1) AS i`, [instances]);
  const sessions = await Promise.all(Array.from({ length: workers }, () => connect(userUrl)));
  try {
    await Promise.all(sessions.map((s) => s.query('SELECT 1'))); // connected before the clock starts
    const xid0 = await nextXid(admin);
    const t0 = (await user.query('SELECT clock_timestamp() AS t')).rows[0].t as Date;
    await Promise.all(sessions.map((s) => s.query('CALL ceiling_worker($1)', [steps])));
    // Sessions poll a little before they return when the work is gone: time to the last step.
    const { rows } = await user.query(
      `SELECT count(*)::int AS n, extract(epoch FROM max(done_at) - $1::timestamptz)::float8 AS seconds
       FROM ceiling_steps WHERE NOT ready`,
      [t0],
    );
    const xids = Number((await nextXid(admin)) - xid0);
    const total = rows[0].n as number;
    const seconds = rows[0].seconds as number;
    if (total !== instances * steps) throw new Error(`ceiling ran ${total} steps, expected ${instances * steps}`);
    return { workers, steps: total, seconds, stepsPerSecond: total / seconds, xidsPerStep: xids / total };
  } finally {
    await Promise.all(sessions.map((s) => s.end()));
  }
}

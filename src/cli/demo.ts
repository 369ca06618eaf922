// `pg-durable demo`: a demo database and role, generated documents, worker sessions, and
// the workflows of the README run for real, with progress and final results printed.
import pg from 'pg';
import { WorkerPool } from './worker-pool.js';
import { connect, createAppDatabase } from './app-database.js';
import { RUNBOOK_PICK, RUNBOOK_SIGNAL, RUNBOOK_START, RUNBOOK_TABLES } from './maintenance-runbook.js';
import { EMBEDDING_NEAREST, EMBEDDING_START } from './embedding-pipeline.js';
import { prepareEmbeddings } from './demo-embeddings.js';

const DATABASE = 'pg_durable_demo';
const ROLE = 'durable_demo';

interface DemoWorkflow {
  title: string;
  sql: string;
  /** Run first, e.g. to set variables. */
  before?: string;
  /** Sent once the instance waits for a signal. */
  signal?: { name: string; data: string };
  /** Queries whose rows are printed once the instance has ended. */
  report?: string[];
}

const WORKFLOWS: DemoWorkflow[] = [
  {
    title: 'the canonical example: mark one batch of 100 documents processed',
    sql: `SELECT df.start(
  'SELECT id FROM documents WHERE processed = false LIMIT 100' |=> 'batch'
  ~> 'UPDATE documents SET processed = true WHERE id = ANY($batch)',
  'one batch')`,
  },
  {
    title: 'the same batch step in a loop, until no unprocessed document remains',
    sql: `SELECT df.start(
  df.loop(
    ('SELECT id FROM documents WHERE processed = false ORDER BY id LIMIT 100' |=> 'batch')
    ~> df.if_rows('batch',
         'UPDATE documents SET processed = true WHERE id IN (SELECT id FROM $batch.*)',
         df.break('"all documents processed"'))),
  'all batches')`,
  },
  {
    title: 'a fan-out of independent aggregates joined into one report row',
    sql: `SELECT df.start(
  df.join3(
    'SELECT count(*) AS total FROM documents' |=> 'total',
    'SELECT count(*) FILTER (WHERE processed) AS done FROM documents' |=> 'done',
    'SELECT round(avg(length(body)), 1) AS avg_length FROM documents' |=> 'avg_length')
  ~> 'INSERT INTO reports (total, processed, avg_length) VALUES ($total, $done, $avg_length) RETURNING *',
  'report')`,
  },
  {
    title: 'a step that waits for an approval signal, which the demo then sends',
    sql: `SELECT df.start(
  ('INSERT INTO approvals (request) VALUES (''publish the report'') RETURNING id' |=> 'request')
  ~> (df.wait_for_signal('approval', 300) |=> 'decision')
  ~> 'UPDATE approvals SET decided_by = $decision.data::json ->> ''by'', decided_at = now() WHERE id = $request RETURNING *',
  'approval')`,
    signal: { name: 'approval', data: '{"by": "alice"}' },
  },
  {
    title: 'an embedding pipeline (README, Per-row pipelines): chunk 32 articles in SQL, then df.map asks an embeddings endpoint for each chunk\'s vector and upserts it',
    sql: EMBEDDING_START,
    report: [
      'SELECT count(*) AS chunks, count(e.chunk_id) AS with_a_vector FROM chunks c LEFT JOIN chunk_embeddings e ON e.chunk_id = c.id;',
      EMBEDDING_NEAREST,
    ],
  },
  {
    title: 'a maintenance runbook (docs/maintenance.md): report the table with the most dead tuples, wait for approval, VACUUM it outside any transaction block',
    before: RUNBOOK_PICK,
    sql: RUNBOOK_START,
    signal: RUNBOOK_SIGNAL,
  },
];

async function setUp(adminUrl: string): Promise<{ adminDb: string; url: string }> {
  const { adminDb, userDb: userUrl } = await createAppDatabase(adminUrl, DATABASE, ROLE);
  const db = await connect(adminDb);
  // Loop pacing is the administrator's, set for the whole database (a role's own setting is ignored).
  await db.query(`ALTER DATABASE ${DATABASE} SET pg_durable.loop_min_interval = '0.2'`);
  await db.end();
  const user = await connect(userUrl);
  await user.query(`
    CREATE TABLE documents (id int PRIMARY KEY, body text NOT NULL, processed boolean NOT NULL DEFAULT false);
    INSERT INTO documents (id, body) SELECT i, repeat(md5(i::text), 1 + i % 5) FROM generate_series(1, 650) AS i;
    CREATE TABLE reports (id serial PRIMARY KEY, total bigint, processed bigint, avg_length numeric, at timestamptz DEFAULT now());
    CREATE TABLE approvals (id serial PRIMARY KEY, request text, decided_by text, decided_at timestamptz);
    CREATE TABLE events (id int PRIMARY KEY, payload text);
    INSERT INTO events SELECT i, md5(i::text) FROM generate_series(1, 20000) AS i;
    DELETE FROM events WHERE id % 4 <> 0;
    ${RUNBOOK_TABLES}`);
  await user.end();
  return { adminDb, url: userUrl };
}

export async function demo(adminUrl: string): Promise<void> {
  console.log(`demo: database ${DATABASE}, role ${ROLE}, 650 generated documents, 32 generated articles`);
  const { adminDb, url } = await setUp(adminUrl);
  const embeddings = await prepareEmbeddings(adminDb, url, ROLE);
  console.log(`demo: embeddings endpoint ${embeddings.url} (a local stand-in), vectors stored as ${embeddings.vectorType}`);
  const workers = new WorkerPool({
    url, workers: 2, statements: true, httpConcurrency: 8, onError: (e) => console.error(`worker: ${e.message}`),
  });
  await workers.start();
  const user = await connect(url);
  try {
    for (const [i, w] of WORKFLOWS.entries()) {
      const shown = [w.before, w.sql].filter((q) => q !== undefined).map((q) => q.replace(/;?$/, ';'));
      console.log(`\n[${i + 1}/${WORKFLOWS.length}] ${w.title}\n${shown.join('\n').replace(/^/gm, '    ')}`);
      if (w.before) await user.query(w.before);
      const id = (await user.query(w.sql)).rows[0].start as string;
      await follow(user, id, w.signal);
      for (const query of w.report ?? []) {
        console.log(query.replace(/^/gm, '    '));
        for (const r of (await user.query(query)).rows) {
          console.log(`      ${clip(Object.entries(r).map(([k, v]) => `${k}: ${v}`).join(', '), 130)}`);
        }
      }
    }
    console.log('\nall demo instances:');
    const { rows } = await user.query(
      `SELECT id, label, status, coalesce(result::text, error) AS output FROM df.instances ORDER BY created_at`,
    );
    for (const r of rows) console.log(`  ${r.id}  ${r.label.padEnd(12)} ${r.status.padEnd(10)} ${clip(r.output, 90)}`);
    const left = (await user.query('SELECT count(*)::int AS n FROM documents WHERE NOT processed')).rows[0].n;
    console.log(`\nunprocessed documents left: ${left}`);
  } finally {
    await user.end();
    await workers.stop();
    await embeddings.close();
  }
}

/**
 * Prints status changes until the instance ends, with the live counts of its first MAP's items
 * (and, for an instance with a MAP, the tree df.explain draws at the end); sends the signal once
 * the instance waits for it.
 */
async function follow(user: pg.Client, id: string, signal?: { name: string; data: string }): Promise<void> {
  let last = '';
  let mapped = false;
  for (;;) {
    const { rows } = await user.query(
      `SELECT i.status, (SELECT count(*) FROM df.nodes n WHERE n.instance_id = i.id AND n.status = 'completed') AS done,
              (SELECT count(*) FROM df.nodes n WHERE n.instance_id = i.id) AS nodes,
              EXISTS (SELECT FROM df.nodes n WHERE n.instance_id = i.id AND n.node_type = 'SIGNAL' AND n.status = 'running') AS waiting,
              (SELECT n.status_details FROM df.nodes n WHERE n.instance_id = i.id AND n.node_type = 'MAP' ORDER BY n.id LIMIT 1) AS map
       FROM df.instances i WHERE i.id = $1`,
      [id],
    );
    const r = rows[0];
    mapped ||= r.map !== null;
    const line = `    ${id}: ${r.status}, ${r.done}/${r.nodes} nodes completed${mapCounts(r.map)}`;
    if (line !== last) console.log((last = line));
    if (['completed', 'failed', 'cancelled'].includes(r.status)) break;
    if (signal && r.waiting) {
      console.log(`    sending df.signal('${id}', '${signal.name}', '${signal.data}')`);
      await user.query('SELECT df.signal($1, $2, $3)', [id, signal.name, signal.data]);
      signal = undefined;
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  const { rows } = await user.query('SELECT df.status($1) AS s, df.result($1) AS r, df.error($1) AS e', [id]);
  console.log(`    => ${rows[0].s}: ${clip(rows[0].r ?? rows[0].e, 300)}`);
  if (mapped) console.log((await user.query('SELECT df.explain($1) AS tree', [id])).rows[0].tree.replace(/^/gm, '    '));
}

/** The MAP's item counts as df.instance_nodes gives them in status_details, or '' before it starts. */
function mapCounts(details: Record<string, number> | null): string {
  if (details?.done === undefined) return '';
  return `; MAP items: ${details.done} done, ${details.failed} failed, ${details.in_flight} in flight, ${details.waiting} waiting`;
}

function clip(text: string | null, n: number): string {
  if (text === null) return '';
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

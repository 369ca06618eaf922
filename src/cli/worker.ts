// `pg-durable worker`: keeps N worker sessions and the HTTP runner running until SIGINT or SIGTERM.
import { WorkerPool } from './worker-pool.js';

/** df.claim_dispatched leases at most this many at once. */
const MAX_HTTP_CONCURRENCY = 1000;

export async function runWorkers(url: string, workersText: string, httpText: string, statements = true): Promise<void> {
  const workers = Number(workersText);
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers must be a positive whole number, got '${workersText}'`);
  const httpConcurrency = Number(httpText);
  if (!/^\d+$/.test(httpText) || httpConcurrency > MAX_HTTP_CONCURRENCY) {
    throw new Error(`--http-concurrency must be a whole number from 0 to ${MAX_HTTP_CONCURRENCY}, got '${httpText}'`);
  }
  const pool = new WorkerPool({ url, workers, httpConcurrency, statements, onError: (e) => console.error(`worker: ${e.message}`) });
  await pool.start();
  const http = httpConcurrency > 0 ? `, HTTP steps up to ${httpConcurrency} at once` : ', no HTTP steps';
  console.log(`pg-durable: ${workers} worker session(s) running${http}${statements ? ', statements outside transactions' : ''}; Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('pg-durable: stopping (running steps finish or roll back; HTTP requests finish or are given back)');
  await pool.stop();
}

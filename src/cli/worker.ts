// `pg-durable worker`: keeps N worker sessions running until SIGINT or SIGTERM.
import { WorkerPool } from './worker-pool.js';

export async function runWorkers(url: string, workersText: string): Promise<void> {
  const workers = Number(workersText);
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers must be a positive whole number, got '${workersText}'`);
  const pool = new WorkerPool({ url, workers, onError: (e) => console.error(`worker: ${e.message}`) });
  await pool.start();
  console.log(`pg-durable: ${workers} worker session(s) running; Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('pg-durable: stopping (running steps finish or roll back)');
  await pool.stop();
}

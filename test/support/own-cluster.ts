// A second private cluster that one test file may stop and restart without disturbing
// the other test files (crash tests that kill the server).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { EngineFixture } from './engine.js';

const script = fileURLToPath(new URL('../../scripts/cluster.sh', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

export class OwnCluster {
  constructor(
    readonly name: string,
    readonly port: number,
  ) {}

  private run(...args: string[]): void {
    execFileSync('bash', [script, ...args], {
      stdio: 'inherit',
      env: { ...process.env, PG_DURABLE_CLUSTER_DIR: `${root}.cluster-${this.name}`, PG_DURABLE_PORT: String(this.port) },
    });
  }

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  start(): void {
    this.run('start');
  }

  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    this.run('stop', mode);
  }

  wipe(): void {
    this.run('wipe');
  }
}

/**
 * Stops `cluster` with -m immediate (a power loss to the instances), starts it again, and gives
 * `fx` a new session and `workers` new workers.
 */
export async function crashAndRestart(cluster: OwnCluster, fx: EngineFixture, workers: number): Promise<void> {
  cluster.stop('immediate');
  await fx.workers?.stop(100).catch(() => undefined);
  fx.workers = null;
  await fx.user.end().catch(() => undefined);
  cluster.start();
  fx.user = new pg.Client({ connectionString: fx.url });
  fx.user.on('error', () => undefined);
  await fx.user.connect();
  await fx.startWorkers(workers);
}

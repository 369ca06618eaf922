// A second private cluster that one test file may stop and restart without disturbing
// the other test files (crash tests that kill the server).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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

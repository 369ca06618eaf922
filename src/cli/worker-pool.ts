// N sessions, each authenticated as the workflow owner's role, that keep calling
// df.work, and optionally the role's HTTP runner and statement runner. Used by `pg-durable
// worker`, the demo, the benchmark and the tests.
import pg from 'pg';
import { HttpRunner } from './http-runner.js';
import { StatementRunner } from './statement-runner.js';

export interface PoolOptions {
  url: string;
  workers: number;
  /** Length of one CALL df.work(); the session (and its loaded engine) is kept across calls. */
  callSeconds?: number;
  idlePollMs?: number;
  /** HTTP requests performed at once by the pool's HTTP runner; 0 or absent: no runner. */
  httpConcurrency?: number;
  /** Also run the role's statements that cannot run in a transaction block (VACUUM, …): the pool's statement runner. */
  statements?: boolean;
  /** How often the statement runner renews the lease of a running statement (tests shorten it). */
  statementRenewMs?: number;
  onError?: (e: Error) => void;
}

export class WorkerPool {
  private readonly clients: (pg.Client | null)[] = [];
  private loops: Promise<void>[] = [];
  private stopping = false;
  private readonly http: HttpRunner | null;
  private readonly statements: StatementRunner | null;

  constructor(private readonly opts: PoolOptions) {
    const concurrency = opts.httpConcurrency ?? 0;
    this.http = concurrency > 0 ? new HttpRunner({ url: opts.url, concurrency, onError: opts.onError }) : null;
    this.statements = opts.statements ? new StatementRunner({ url: opts.url, renewMs: opts.statementRenewMs, onError: opts.onError }) : null;
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.opts.workers; i++) this.clients.push(await this.connect(i));
    try {
      await this.statements?.start();
      await this.http?.start();
    } catch (e) {
      await this.statements?.stop(0);
      await Promise.allSettled(this.clients.map((c) => c?.end()));
      throw e;
    }
    this.loops = this.clients.map((_, i) => this.loop(i));
  }

  /** Backend process ids of the live worker sessions (crash tests terminate them). */
  pids(): number[] {
    return this.clients.filter((c): c is pg.Client => c !== null).map(pidOf);
  }

  private async connect(index: number): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.opts.url, application_name: `pg_durable worker ${index + 1}` });
    client.on('error', () => undefined); // a lost backend surfaces as a failed query in loop()
    await client.connect();
    await client.query('SET statement_timeout = 0');
    return client;
  }

  private async loop(index: number): Promise<void> {
    const seconds = this.opts.callSeconds ?? 2;
    const poll = this.opts.idlePollMs ?? 10;
    for (let failures = 0; !this.stopping; ) {
      try {
        const client = this.clients[index] ?? (this.clients[index] = await this.connect(index));
        await client.query('CALL df.work($1, $2)', [seconds, poll]);
        failures = 0;
      } catch (e) {
        if (this.stopping) return;
        this.opts.onError?.(e as Error);
        // The session may be gone (terminated backend, restarted server): start a new one.
        await this.clients[index]?.end().catch(() => undefined);
        this.clients[index] = null;
        await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** failures++, 2000)));
      }
    }
  }

  /**
   * Lets running calls finish (each ends within callSeconds) and cancels them after graceMs;
   * the HTTP runner, meanwhile, lets its requests finish within graceMs and releases the rest,
   * and the statement runner lets its statement finish within graceMs or cancels and releases it.
   */
  async stop(graceMs = 5000): Promise<void> {
    await Promise.all([this.stopWorkers(graceMs), this.http?.stop(graceMs), this.statements?.stop(graceMs)]);
  }

  private async stopWorkers(graceMs: number): Promise<void> {
    this.stopping = true;
    const done = Promise.allSettled(this.loops);
    const timer = new Promise((r) => setTimeout(r, graceMs, 'timeout'));
    if ((await Promise.race([done, timer])) === 'timeout') {
      await cancelBackends(this.opts.url, this.pids());
      await done;
    }
    await Promise.allSettled(this.clients.map((c) => c?.end()));
  }
}

function pidOf(client: pg.Client): number {
  return (client as unknown as { processID: number }).processID;
}

async function cancelBackends(url: string, pids: number[]): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('SELECT pg_cancel_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
  } finally {
    await admin.end();
  }
}

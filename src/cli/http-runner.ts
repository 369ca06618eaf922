// The HTTP runner of `pg-durable worker` (spec/outside-steps.md §4): one session,
// authenticated as the role, that leases the role's dispatched HTTP requests, performs up to
// `concurrency` of them at once under the egress guard, and completes each with one call.
// Every call is its own autocommit statement: while a request is in flight nothing is held
// open in the database (no transaction, no lock), only the lease, which expires on its own.
import os from 'node:os';
import pg from 'pg';
import { performHttp } from '../http/perform.js';
import { readHttpRequest, type Outcome } from '../http/request.js';

export interface HttpRunnerOptions {
  url: string;
  /** Requests in flight at most (and so the most leases held). */
  concurrency: number;
  onError?: (e: Error) => void;
}

/** A claimed row of df.claim_dispatched('http', …). */
interface Lease {
  activation_id: string;
  lease_token: string;
  lease_until: Date;
  request: unknown;
}

/** Polling backs off while idle, to at most 50 ms: the latency a dispatched step adds when the runner was idle. */
const IDLE_POLL_MS = { first: 5, last: 50 };
/** df.claim_dispatched takes at most this many at once. */
const MAX_CLAIM = 1000;
/** After the grace period, how long aborted requests get to give their leases back. */
const RELEASE_MS = 2000;

export class HttpRunner {
  /** What monitoring shows as the runner of a lease. */
  readonly name: string;
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private readonly inFlight = new Map<Promise<void>, AbortController>();
  private loopDone: Promise<void> = Promise.resolve();
  private stopping = false;
  /** Set at the very end of stop(): completions stop retrying. */
  private closed = false;
  private wake: (() => void) | null = null;

  constructor(private readonly opts: HttpRunnerOptions) {
    this.name = `${applicationName(opts.url) ?? os.hostname()}:${process.pid}`;
  }

  /** Connects (so a wrong URL fails here), then claims and performs until stop(). */
  async start(): Promise<void> {
    await this.session();
    this.loopDone = this.loop().catch((e) => this.report(e));
  }

  /**
   * Stops claiming; requests in flight get graceMs to finish and complete, the rest are
   * aborted and their leases released, so another runner takes them at once.
   */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await within(this.loopDone, graceMs);
    const all = () => Promise.allSettled([...this.inFlight.keys()]);
    if ((await within(all(), graceMs)) === 'timeout') {
      for (const controller of this.inFlight.values()) controller.abort();
      await within(all(), RELEASE_MS);
    }
    this.closed = true;
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }

  private async loop(): Promise<void> {
    let idleMs = IDLE_POLL_MS.first;
    for (let failures = 0; !this.stopping; ) {
      const free = Math.min(this.opts.concurrency - this.inFlight.size, MAX_CLAIM);
      if (free <= 0) {
        await this.sleep(); // until a request ends
        continue;
      }
      let leases: Lease[];
      try {
        leases = (await this.query<Lease>(
          'SELECT activation_id, lease_token, lease_until, request FROM df.claim_dispatched($1, $2, $3)',
          ['http', this.name, free],
        )).rows;
        failures = 0;
      } catch (e) {
        if (this.stopping) return;
        this.report(e);
        await this.sleep(Math.min(50 * 2 ** failures++, 2000));
        continue;
      }
      if (this.stopping) {
        // claimed while stop() began: give them straight back
        await Promise.all(leases.map((lease) => this.release(lease)));
        return;
      }
      for (const lease of leases) this.perform(lease);
      if (leases.length > 0) idleMs = IDLE_POLL_MS.first;
      else {
        await this.sleep(idleMs);
        idleMs = Math.min(idleMs * 2, IDLE_POLL_MS.last);
      }
    }
  }

  private perform(lease: Lease): void {
    const controller = new AbortController();
    const task = this.run(lease, controller.signal)
      .catch((e) => this.report(e))
      .finally(() => {
        this.inFlight.delete(task);
        this.wake?.();
      });
    this.inFlight.set(task, controller);
  }

  private async run(lease: Lease, signal: AbortSignal): Promise<void> {
    let outcome: Outcome;
    try {
      const request = readHttpRequest(lease.request);
      outcome = await performHttp(request, request.policy, signal);
    } catch (e) {
      outcome = { kind: 'failed', error: `the dispatched HTTP request cannot be read: ${(e as Error).message}` };
    }
    if (signal.aborted && outcome.kind === 'failed') await this.release(lease);
    else await this.complete(lease, outcome);
  }

  /** Settles the lease; a lost session is retried until the lease runs out (then another runner redoes the request). */
  private async complete(lease: Lease, outcome: Outcome): Promise<void> {
    const values = [
      lease.activation_id,
      lease.lease_token,
      outcome.kind === 'completed' ? JSON.stringify(outcome.result) : null,
      outcome.kind === 'failed' ? outcome.error : null,
      outcome.retryAfterSeconds ?? null,
    ];
    for (let failures = 0; ; failures++) {
      try {
        await this.query('SELECT df.complete_dispatched($1, $2, $3, $4, $5)', values);
        return;
      } catch (e) {
        this.report(e);
        if (sqlError(e) || this.closed || Date.now() > lease.lease_until.getTime()) return;
        await delay(Math.min(50 * 2 ** failures, 2000));
      }
    }
  }

  private async release(lease: Lease): Promise<void> {
    try {
      await this.query('SELECT df.release_dispatched($1, $2)', [lease.activation_id, lease.lease_token]);
    } catch (e) {
      this.report(e); // the lease runs out on its own
    }
  }

  /** One autocommit statement on the runner's session, which is opened again when it was lost. */
  private async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    const client = await this.session();
    try {
      return await client.query<R>(text, values);
    } catch (e) {
      if (!sqlError(e) && this.client === client) {
        this.client = null;
        void client.end().catch(() => undefined);
      }
      throw e;
    }
  }

  private session(): Promise<pg.Client> {
    if (this.client !== null) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.opts.url, application_name: 'pg_durable http runner' });
      client.on('error', () => undefined); // a lost backend surfaces as a failed query
      try {
        await client.connect();
      } catch (e) {
        await client.end().catch(() => undefined);
        throw e;
      }
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** Waits ms (for ever when not given) or until a request ends or stop() begins. */
  private sleep(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = null;
        resolve();
      };
      this.wake = done;
    });
  }

  private report(e: unknown): void {
    this.opts.onError?.(e instanceof Error ? e : new Error(String(e)));
  }
}

/** An error PostgreSQL raised (it has a SQLSTATE) on a session that is still usable. */
function sqlError(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^(08|57P)/.test(code);
}

function applicationName(url: string): string | null {
  try {
    return new URL(url).searchParams.get('application_name') || process.env.PGAPPNAME || null;
  } catch {
    return process.env.PGAPPNAME || null;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function within(p: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(r, ms, 'timeout')));
  const result = await Promise.race([p.then(() => 'done' as const), timeout]);
  clearTimeout(timer);
  return result;
}

// The HTTP runner of `pg-durable worker` (spec/outside-steps.md §4): one session,
// authenticated as the role, that leases the role's dispatched HTTP requests, performs up to
// `concurrency` of them at once under the egress guard, and completes each with one call.
// Every call is its own autocommit statement: while a request is in flight nothing is held
// open in the database (no transaction, no lock), only the lease, which expires on its own.
import os from 'node:os';
import { performHttp } from '../http/perform.js';
import { readHttpRequest, type Outcome } from '../http/request.js';
import { RunnerSession, within, type Lease as Leased } from './runner-session.js';

export interface HttpRunnerOptions {
  url: string;
  /** Requests in flight at most (and so the most leases held). */
  concurrency: number;
  onError?: (e: Error) => void;
}

/** A claimed row of df.claim_dispatched('http', …). */
interface Lease extends Leased {
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
  private readonly db: RunnerSession;
  private readonly inFlight = new Map<Promise<void>, AbortController>();
  private loopDone: Promise<void> = Promise.resolve();
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(private readonly opts: HttpRunnerOptions) {
    this.name = `${applicationName(opts.url) ?? os.hostname()}:${process.pid}`;
    this.db = new RunnerSession(opts.url, 'pg_durable http runner', (e) => this.report(e));
  }

  /** Connects (so a wrong URL fails here), then claims and performs until stop(). */
  async start(): Promise<void> {
    await this.db.session();
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
    await this.db.end();
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
        leases = (await this.db.query<Lease>(
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
        await Promise.all(leases.map((lease) => this.db.release(lease)));
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
    if (signal.aborted && outcome.kind === 'failed') await this.db.release(lease);
    else {
      const result = outcome.kind === 'completed' ? JSON.stringify(outcome.result) : null;
      await this.db.complete(lease, result, outcome.kind === 'failed' ? outcome.error : null, outcome.retryAfterSeconds ?? null);
    }
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

function applicationName(url: string): string | null {
  try {
    return new URL(url).searchParams.get('application_name') || process.env.PGAPPNAME || null;
  } catch {
    return process.env.PGAPPNAME || null;
  }
}

// The statement runner of `pg-durable worker` (spec/outside-steps.md §5): runs the role's
// dispatched statements that PostgreSQL refuses inside a transaction block (VACUUM, CREATE
// INDEX CONCURRENTLY, …), one at a time, each as a simple query on a session of its own in
// autocommit, so no transaction is open around it. A second session, also authenticated as
// the role, claims the work, renews the lease while a statement runs (a statement has no time
// bound of its own) and completes it. Both sessions are the role's own: every statement runs
// with exactly the role's rights.
import os from 'node:os';
import type pg from 'pg';
import { connect, RunnerSession, sqlError, within, type Lease as Leased } from './runner-session.js';

export interface StatementRunnerOptions {
  url: string;
  /** How often the lease of a running statement is renewed (it lasts about a minute). */
  renewMs?: number;
  onError?: (e: Error) => void;
}

/** A claimed row of df.claim_dispatched('statement', …). */
interface Lease extends Leased {
  request: { sql?: unknown };
}

/** What became of a statement: a result to complete the lease with, or nothing (the lease is given back). */
type Outcome = { kind: 'completed' } | { kind: 'failed'; error: string } | { kind: 'release' };

const RESULT = '{"rows":[],"row_count":0}';
const RENEW_MS = 20_000;
const IDLE_POLL_MS = { first: 5, last: 200 };

export class StatementRunner {
  /** What monitoring shows as the runner of a lease. */
  readonly name: string;
  private readonly control: RunnerSession;
  private statements: pg.Client | null = null;
  private loopDone: Promise<void> = Promise.resolve();
  private running: { lease: Lease; done: Promise<void>; cancelled: boolean; lost: boolean } | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(private readonly opts: StatementRunnerOptions) {
    this.name = `${os.hostname()}:${process.pid} statements`;
    this.control = new RunnerSession(opts.url, 'pg_durable statement runner', (e) => this.report(e));
  }

  /** Connects both sessions (so a wrong URL fails here), then claims and runs until stop(). */
  async start(): Promise<void> {
    await this.control.session();
    await this.statementSession();
    this.loopDone = this.loop().catch((e) => this.report(e));
  }

  /**
   * Stops claiming; a running statement gets graceMs to finish and complete, else it is
   * cancelled and its lease released, so another runner takes it at once.
   */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    this.wake?.();
    const running = this.running;
    if (running !== null && (await within(running.done, graceMs)) === 'timeout') {
      running.cancelled = true;
      await this.cancelStatement();
    }
    await this.loopDone;
    await Promise.allSettled([this.control.end(), this.statements?.end()]);
    this.statements = null;
  }

  private async loop(): Promise<void> {
    let idleMs = IDLE_POLL_MS.first;
    for (let failures = 0; !this.stopping; ) {
      let lease: Lease | undefined;
      try {
        const { rows } = await this.control.query<Lease>(
          'SELECT activation_id, lease_token, lease_until, request FROM df.claim_dispatched($1, $2, 1)',
          ['statement', this.name],
        );
        lease = rows[0];
        failures = 0;
      } catch (e) {
        if (this.stopping) return;
        this.report(e);
        await this.sleep(Math.min(50 * 2 ** failures++, 2000));
        continue;
      }
      if (lease === undefined) {
        await this.sleep(idleMs);
        idleMs = Math.min(idleMs * 2, IDLE_POLL_MS.last);
        continue;
      }
      idleMs = IDLE_POLL_MS.first;
      if (this.stopping) {
        await this.control.release(lease); // claimed while stop() began: give it straight back
        return;
      }
      const running = { lease, done: Promise.resolve(), cancelled: false, lost: false };
      running.done = this.run(running).catch((e) => this.report(e));
      this.running = running;
      await running.done;
      this.running = null;
    }
  }

  private async run(running: { lease: Lease; cancelled: boolean; lost: boolean }): Promise<void> {
    const { lease } = running;
    const renewal = setInterval(() => void this.renew(running), this.opts.renewMs ?? RENEW_MS);
    let outcome: Outcome;
    try {
      outcome = await this.perform(lease.request);
    } finally {
      clearInterval(renewal);
    }
    if (running.lost) return; // another runner has it, or its instance ended: nothing to report
    // Cancelled by stop(): the statement did not finish, and runs again elsewhere.
    if (outcome.kind === 'release' || (running.cancelled && outcome.kind === 'failed')) await this.control.release(lease);
    else await this.control.complete(lease, outcome.kind === 'completed' ? RESULT : null, outcome.kind === 'failed' ? outcome.error : null);
  }

  /** Runs the statement as a simple query, outside any transaction block. */
  private async perform(request: Lease['request']): Promise<Outcome> {
    if (typeof request?.sql !== 'string') return { kind: 'failed', error: 'the dispatched statement cannot be read: no "sql" text' };
    let client: pg.Client;
    try {
      client = await this.statementSession();
    } catch (e) {
      this.report(e);
      return { kind: 'release' };
    }
    try {
      await client.query(request.sql);
      return { kind: 'completed' };
    } catch (e) {
      if (sqlError(e)) return { kind: 'failed', error: (e as Error).message };
      // The session is gone (terminated, server restarting): the statement did not finish
      // here; the work is given back and runs again.
      if (this.statements === client) this.statements = null;
      void client.end().catch(() => undefined);
      this.report(e);
      return { kind: 'release' };
    }
  }

  private async renew(running: { lease: Lease; lost: boolean }): Promise<void> {
    try {
      const { rows } = await this.control.query<{ until: Date | null }>('SELECT df.renew_dispatched($1, $2) AS until', [
        running.lease.activation_id,
        running.lease.lease_token,
      ]);
      const until = rows[0]?.until ?? null;
      if (until !== null) {
        running.lease.lease_until = until;
        return;
      }
      // The lease is no longer held: stop the statement, whose completion would be discarded.
      running.lost = true;
      await this.cancelStatement();
    } catch (e) {
      this.report(e); // tried again at the next renewal, well before the lease runs out
    }
  }

  private async cancelStatement(): Promise<void> {
    const pid = this.statements === null ? null : pidOf(this.statements);
    if (pid === null) return;
    try {
      await this.control.query('SELECT pg_catalog.pg_cancel_backend($1)', [pid]);
    } catch (e) {
      this.report(e);
    }
  }

  /** The session statements run on: no statement_timeout, so a long VACUUM is not cut short. */
  private async statementSession(): Promise<pg.Client> {
    if (this.statements === null) {
      const client = await connect(this.opts.url, 'pg_durable statement');
      await client.query('SET statement_timeout = 0');
      this.statements = client;
    }
    return this.statements;
  }

  /** Waits ms or until stop() begins. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private report(e: unknown): void {
    this.opts.onError?.(e instanceof Error ? e : new Error(String(e)));
  }
}

function pidOf(client: pg.Client): number {
  return (client as unknown as { processID: number }).processID;
}

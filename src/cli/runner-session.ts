// What the CLI's runners share: a session authenticated as the role that claims, renews,
// completes and releases leases of dispatched work, reopened when it is lost, every call its
// own autocommit statement (nothing is held open while the work runs).
import pg from 'pg';

/** A claimed row of df.claim_dispatched. */
export interface Lease {
  activation_id: string;
  lease_token: string;
  lease_until: Date;
}

export class RunnerSession {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  /** Set by end(): completions stop retrying. */
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly applicationName: string,
    private readonly report: (e: unknown) => void,
  ) {}

  /**
   * One autocommit statement, after the ones already asked for (the runners ask concurrently;
   * pg deprecates queuing on one client); a session that was lost is dropped, and the next
   * call opens another.
   */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    const next = this.queue.then(() => this.run<R>(text, values));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async run<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
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

  /** Settles the lease; a lost session is retried until the lease runs out (then another runner redoes the work). */
  async complete(lease: Lease, result: string | null, error: string | null, retryAfterSeconds: number | null = null): Promise<void> {
    const values = [lease.activation_id, lease.lease_token, result, error, retryAfterSeconds];
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

  /** Gives the lease back unperformed, so another runner takes the work at once. */
  async release(lease: Lease): Promise<void> {
    try {
      await this.query('SELECT df.release_dispatched($1, $2)', [lease.activation_id, lease.lease_token]);
    } catch (e) {
      this.report(e); // the lease runs out on its own
    }
  }

  async end(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }

  /** The open session, or a new one (one connection attempt at a time). */
  session(): Promise<pg.Client> {
    if (this.client !== null) return Promise.resolve(this.client);
    this.connecting ??= connect(this.url, this.applicationName)
      .then((client) => (this.client = client))
      .finally(() => {
        this.connecting = null;
      });
    return this.connecting;
  }
}

export async function connect(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  client.on('error', () => undefined); // a lost backend surfaces as a failed query
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
  return client;
}

/** An error PostgreSQL raised (it has a SQLSTATE) on a session that is still usable. */
export function sqlError(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^(08|57P)/.test(code);
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Whether `p` settled within `ms`. */
export async function within(p: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(r, ms, 'timeout')));
  const result = await Promise.race([p.then(() => 'done' as const), timeout]);
  clearTimeout(timer);
  return result;
}

// An engine fixture whose role may run HTTP steps, and a test HTTP server on 127.0.0.1 for
// them. The egress policy starts as the default (private networks refused); tests that need
// to reach the server switch allow_private_networks on, as an administrator would.
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';

export interface HttpFixture {
  fx: EngineFixture;
  server: TestHttpServer;
  /** df.set_http_policy(...) as the administrator; `args` is its argument list in SQL. */
  setPolicy(args: string): Promise<void>;
  close(): Promise<void>;
}

export async function httpFixture(label: string): Promise<HttpFixture> {
  const fx = await engineFixture(label);
  const admin = await fx.scratch.admin();
  await admin.query('SELECT df.grant_usage($1, include_http => true)', [fx.role]);
  const server = await startHttpServer();
  return {
    fx,
    server,
    async setPolicy(args) {
      await admin.query(`SELECT df.set_http_policy(${args})`);
    },
    async close() {
      await fx.close();
      await server.close();
    },
  };
}

/** The dispatch row of an instance's HTTP step, as its owner sees it. */
export interface DispatchRow {
  lease_token: string | null;
  lease_until: Date | null;
  runner: string | null;
  leases: number;
  expired_leases: number;
}

export async function dispatchOf(fx: EngineFixture, instanceId: string): Promise<DispatchRow | undefined> {
  const { rows } = await fx.user.query<DispatchRow>(
    'SELECT lease_token, lease_until, runner, leases, expired_leases FROM df.dispatches WHERE instance_id = $1',
    [instanceId],
  );
  return rows[0];
}

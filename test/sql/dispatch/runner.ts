// A runner driven by hand through the SQL contract (df.claim_dispatched / complete /
// release), so the dispatch tests decide exactly when work is claimed and how it ends.
import type { EngineFixture } from '../../support/engine.js';
import { waitFor } from '../../support/slow-step.js';

export interface Lease {
  activation_id: string;
  lease_token: string;
  instance_id: string;
  node_id: number;
  attempt: number;
  lease_until: Date;
  request: Record<string, unknown> & { idempotency_key: string };
}

export async function claim(fx: EngineFixture, kind = 'http', max = 10, runner = 'test-runner'): Promise<Lease[]> {
  const { rows } = await fx.user.query('SELECT * FROM df.claim_dispatched($1, $2, $3)', [kind, runner, max]);
  return rows as Lease[];
}

/** Waits until the workers have dispatched work of the instance, and leases it. */
export async function claimOf(fx: EngineFixture, instanceId: string, kind = 'http'): Promise<Lease> {
  let found: Lease | undefined;
  await waitFor(`dispatched work of ${instanceId}`, async () => {
    found = (await claim(fx, kind)).find((l) => l.instance_id === instanceId);
    return found !== undefined;
  });
  return found!;
}

export async function complete(
  fx: EngineFixture, lease: Lease, outcome: { result?: unknown; error?: string; retryAfter?: number },
): Promise<string> {
  return fx.value<string>('SELECT df.complete_dispatched($1, $2, $3, $4, $5)', [
    lease.activation_id, lease.lease_token,
    outcome.result === undefined ? null : JSON.stringify(outcome.result), outcome.error ?? null, outcome.retryAfter ?? null,
  ]);
}

export async function nodeOf(fx: EngineFixture, instanceId: string, nodeId: number) {
  const { rows } = await fx.user.query(
    'SELECT node_type, query, status, result, status_details FROM df.instance_nodes($1) WHERE node_id = $2',
    [instanceId, nodeId],
  );
  return rows[0] as { node_type: string; query: string; status: string; result: unknown; status_details: Record<string, unknown> | null };
}

export const response = (status: number, body = '', headers: Record<string, string> = {}) => ({
  status, body, encoding: 'text', headers, ok: status >= 200 && status < 300, duration_ms: 3,
});

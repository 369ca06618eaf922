// Egress policies and requests for the HTTP tests: the defaults, and variations of them.
import type { EgressPolicy, HttpRequest } from '../../../src/http/request.js';

export const DEFAULT_POLICY: EgressPolicy = {
  allowed_hosts: [],
  allow_private_networks: false,
  max_response_bytes: 10 * 1024 * 1024,
  max_timeout_seconds: 300,
};

/** The test server listens on 127.0.0.1: reaching it needs private networks allowed. */
export const LOOPBACK_POLICY: EgressPolicy = { ...DEFAULT_POLICY, allow_private_networks: true };

export function policy(changes: Partial<EgressPolicy> = {}): EgressPolicy {
  return { ...DEFAULT_POLICY, ...changes };
}

/** A GET of `url` as the engine would hand it to a runner, under the loopback policy. */
export function httpRequest(url: string, changes: Partial<HttpRequest> = {}): HttpRequest {
  return {
    type: 'HTTP',
    method: 'GET',
    url,
    headers: null,
    body: null,
    parts: null,
    timeout_seconds: 10,
    idempotency_key: 'idem-1',
    user_agent: 'pg_durable/0.0.0-test',
    policy: LOOPBACK_POLICY,
    ...changes,
  };
}

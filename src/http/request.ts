// The request the engine gives an HTTP runner (df.claim_dispatched's `request` column), the
// egress policy that came with it, and what the runner reports back.

export interface EgressPolicy {
  /** Exact host names and `*.suffix` patterns; empty: any public host. */
  allowed_hosts: string[];
  allow_private_networks: boolean;
  max_response_bytes: number;
  max_timeout_seconds: number;
}

export interface MultipartPart {
  name: string;
  filename?: string | null;
  content_type?: string | null;
  data?: string | null;
  /** Base64, whitespace allowed. */
  data_b64?: string | null;
}

export interface HttpRequest {
  type: 'HTTP' | 'HTTP_MULTIPART';
  method: string;
  url: string;
  headers: Record<string, string> | null;
  body: string | null;
  parts: MultipartPart[] | null;
  timeout_seconds: number;
  idempotency_key: string;
  user_agent: string;
  policy: EgressPolicy;
}

/** The result envelope of a completed HTTP node. */
export interface HttpResult {
  status: number;
  body: string;
  encoding: 'text' | 'base64';
  headers: Record<string, string>;
  ok: boolean;
  duration_ms: number;
}

/** retryAfterSeconds: the server's Retry-After on a 429 or 503, the least delay before a retry. */
export type Outcome =
  | { kind: 'completed'; result: HttpResult; retryAfterSeconds?: number }
  | { kind: 'failed'; error: string; retryAfterSeconds?: number };

/**
 * Checks the shape of what the engine stored, so a request it cannot have meant fails its
 * node with a reason instead of reaching the network half-read.
 */
export function readHttpRequest(value: unknown): HttpRequest {
  const r = object(value, 'the request');
  if (r.type !== 'HTTP' && r.type !== 'HTTP_MULTIPART') throw new Error(`unknown request type ${JSON.stringify(r.type)}`);
  const p = object(r.policy, 'the request policy');
  if (!Array.isArray(p.allowed_hosts) || !p.allowed_hosts.every((h) => typeof h === 'string')) {
    throw new Error('the request policy has no allowed_hosts list');
  }
  if (typeof p.allow_private_networks !== 'boolean') throw new Error('the request policy has no allow_private_networks');
  const headers = r.headers === null || r.headers === undefined ? null : object(r.headers, 'the request headers');
  for (const [name, v] of Object.entries(headers ?? {})) {
    if (typeof v !== 'string') throw new Error(`header '${name}' is not a string`);
  }
  if (r.parts !== null && r.parts !== undefined && !Array.isArray(r.parts)) throw new Error('the request parts are not a list');
  return {
    type: r.type,
    method: text(r.method, 'method'),
    url: text(r.url, 'url'),
    headers: headers as Record<string, string> | null,
    body: r.body === null || r.body === undefined ? null : text(r.body, 'body'),
    parts: (r.parts ?? null) as MultipartPart[] | null,
    timeout_seconds: positive(r.timeout_seconds, 'timeout_seconds'),
    idempotency_key: text(r.idempotency_key, 'idempotency_key'),
    user_agent: text(r.user_agent, 'user_agent'),
    policy: {
      allowed_hosts: p.allowed_hosts as string[],
      allow_private_networks: p.allow_private_networks,
      max_response_bytes: positive(p.max_response_bytes, 'max_response_bytes'),
      max_timeout_seconds: positive(p.max_timeout_seconds, 'max_timeout_seconds'),
    },
  };
}

function object(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

function text(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new Error(`the request has no ${what} text`);
  return v;
}

function positive(v: unknown, what: string): number {
  if (typeof v !== 'number' || !(v > 0)) throw new Error(`the request's ${what} is not a positive number`);
  return v;
}

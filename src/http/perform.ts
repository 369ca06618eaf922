// Performs the request of one HTTP or HTTP_MULTIPART step and says how its node ends:
// 2xx, 3xx and 4xx complete it with the result envelope; 5xx, a refusal by the egress
// policy, a timeout and any network failure fail it with a text naming the cause.
import { decodeBody, preview } from './body.js';
import { exchange, ExchangeError, type RawResponse } from './exchange.js';
import { Blocked, checkTarget } from './guard.js';
import { requestHeaders, responseHeaders } from './headers.js';
import { encodeMultipart } from './multipart.js';
import type { EgressPolicy, HttpRequest, HttpResult, Outcome } from './request.js';
import { parseRetryAfter } from './retry-after.js';

export async function performHttp(request: HttpRequest, policy: EgressPolicy, signal?: AbortSignal): Promise<Outcome> {
  const method = request.method.toUpperCase();
  const label = `HTTP ${method} ${shownUrl(request.url)}`;
  const failed = (error: string): Outcome => ({ kind: 'failed', error });
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return failed(`${label}: invalid URL`);
  }
  const started = Date.now();
  try {
    checkTarget(url, request.timeout_seconds, policy);
    const multipart = request.type === 'HTTP_MULTIPART' ? encodeMultipart(request.parts ?? []) : null;
    const headers = requestHeaders(request.headers, {
      userAgent: request.user_agent,
      idempotencyKey: request.idempotency_key,
      contentType: multipart?.contentType,
    });
    const body = multipart?.body ?? (request.body === null ? null : Buffer.from(request.body, 'utf8'));
    const response = await exchange({ url, method, headers, body, timeoutSeconds: request.timeout_seconds, policy, signal, label });
    return outcomeOf(response, Date.now() - started, label);
  } catch (e) {
    if (e instanceof Blocked || e instanceof ExchangeError) return failed(e.message);
    // PartError, HeaderError, and what Node refuses to send (a method that is no HTTP token)
    return failed(`${label}: ${(e as Error).message}`);
  }
}

function outcomeOf(response: RawResponse, durationMs: number, label: string): Outcome {
  const { status } = response;
  const { body, encoding } = decodeBody(response.contentType, response.body);
  const headers = responseHeaders(response.rawHeaders);
  const retryAfterSeconds = status === 429 || status === 503 ? parseRetryAfter(headers['retry-after']) : undefined;
  const retry = retryAfterSeconds === undefined ? {} : { retryAfterSeconds };
  if (status >= 500) return { kind: 'failed', error: `${label} returned ${status}: ${preview(body)}`, ...retry };
  const result: HttpResult = { status, body, encoding, headers, ok: status >= 200 && status < 300, duration_ms: Math.round(durationMs) };
  return { kind: 'completed', result, ...retry };
}

/** The URL as error texts show it: any user name and password replaced by `***`. */
function shownUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.username === '' && url.password === '') return text;
    url.username = '***';
    url.password = '';
    return url.toString();
  } catch {
    return text;
  }
}

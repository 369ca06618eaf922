// Request headers as an HTTP step sends them, and response headers as its result shows them.
// No message here ever quotes a header value: values may be secrets.
import { validateHeaderName, validateHeaderValue } from 'node:http';

/** A header that cannot be sent; the message names the header, never its value. */
export class HeaderError extends Error {}

export interface HeaderDefaults {
  userAgent: string;
  idempotencyKey: string;
  /** Replaces any Content-Type the caller set (a multipart body's, with its boundary). */
  contentType?: string;
}

/**
 * The caller's headers plus User-Agent and Idempotency-Key where the caller set none (names
 * compared case-insensitively); the caller's own are sent as given.
 */
export function requestHeaders(given: Record<string, string> | null, defaults: HeaderDefaults): Record<string, string> {
  const headers: Record<string, string> = {};
  const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  for (const [name, value] of Object.entries(given ?? {})) {
    try {
      validateHeaderName(name);
    } catch {
      throw new HeaderError(`invalid header name '${printable(name)}'`);
    }
    try {
      validateHeaderValue(name, value);
    } catch {
      throw new HeaderError(`header '${name}' has a value that cannot be sent (a line break or control character)`);
    }
    if (defaults.contentType !== undefined && name.toLowerCase() === 'content-type') continue;
    headers[name] = value;
  }
  if (!has('user-agent')) headers['User-Agent'] = defaults.userAgent;
  if (!has('idempotency-key')) headers['Idempotency-Key'] = defaults.idempotencyKey;
  if (defaults.contentType !== undefined) headers['Content-Type'] = defaults.contentType;
  return headers;
}

/** Lower-case names; a repeated header's values joined with ", " in the order received. */
export function responseHeaders(raw: string[]): Record<string, string> {
  const headers = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const seen = headers.get(name);
    headers.set(name, seen === undefined ? raw[i + 1] : `${seen}, ${raw[i + 1]}`);
  }
  return Object.fromEntries(headers);
}

/** A name that failed validation, shown with its control characters escaped. */
function printable(name: string): string {
  return JSON.stringify(name).slice(1, -1);
}

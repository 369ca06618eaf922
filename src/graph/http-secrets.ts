// Header values that must never be shown (spec/outside-steps.md §2): credentials and
// anything named like a key, token or secret. df.instance_nodes shows HTTP queries with
// these values as `***`; explain never shows headers at all.
import { readHttpMultipartQuery, readHttpQuery } from './queries.js';

const SECRET_NAMES: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie']);

export function isSecretHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_NAMES.has(lower) || /key|token|secret/.test(lower);
}

/** An HTTP node's query with secret header values masked; other queries unchanged. */
export function maskedQuery(nodeType: string, query: string | null): string | null {
  if (query === null || (nodeType !== 'HTTP' && nodeType !== 'HTTP_MULTIPART')) return query;
  let fields: { headers: Record<string, string> | null };
  try {
    fields = nodeType === 'HTTP' ? readHttpQuery(query) : readHttpMultipartQuery(query);
  } catch {
    return '***'; // not a query any step could run: nothing in it is shown
  }
  if (fields.headers === null || !Object.keys(fields.headers).some(isSecretHeader)) return query;
  const parsed = JSON.parse(query) as { headers: Record<string, string> };
  for (const name of Object.keys(parsed.headers)) if (isSecretHeader(name)) parsed.headers[name] = '***';
  return JSON.stringify(parsed);
}

// An HTTP or HTTP_MULTIPART leaf, when a worker reaches it: its templates are resolved in raw
// context (spec section 6: the value as text, no SQL quoting) and the request is dispatched
// to a runner (spec/outside-steps.md §2). The URL is checked again once resolved.
import type { Db } from './db.js';
import type { FlatNode } from '../graph/flatten.js';
import type { InstanceInfo } from './instance.js';
import { readHttpMultipartQuery, readHttpQuery, type MultipartPart } from '../graph/queries.js';
import { urlSchemeProblem } from '../graph/http-url.js';
import { substituteRaw } from '../template/substitute.js';
import { dispatched, type Dispatch } from './dispatch.js';
import { failed, type Outcome } from './outcome.js';
import type { ItemScope } from './map.js';

export function dispatchHttp(db: Db, inst: InstanceInfo, node: FlatNode, scope: readonly ItemScope[]): Dispatch | Outcome {
  const multipart = node.node_type === 'HTTP_MULTIPART';
  const q = multipart ? readHttpMultipartQuery(node.query!) : readHttpQuery(node.query!);
  const resolve = (text: string): string => substituteRaw(text, inst.templateContext(db, text, scope));
  const url = resolve(q.url);
  const problem = urlSchemeProblem(url);
  if (problem !== null) return failed(problem);
  const headers = q.headers === null ? null : Object.fromEntries(Object.entries(q.headers).map(([k, v]) => [k, resolve(v)]));
  const body = 'body' in q && q.body !== null ? resolve(q.body) : null;
  const parts = 'parts' in q ? q.parts.map((p) => resolvePart(p, resolve)) : null;
  return dispatched(
    'http',
    JSON.stringify({ type: node.node_type, method: q.method, url, headers, body, parts, timeout_seconds: q.timeout_seconds }),
  );
}

/** data_b64 is resolved only as a whole reference: text spliced into base64 cannot stay base64. */
function resolvePart(part: MultipartPart, resolve: (text: string) => string): MultipartPart {
  const out: MultipartPart = { name: resolve(part.name) };
  if (part.filename !== undefined) out.filename = resolve(part.filename);
  if (part.content_type !== undefined) out.content_type = resolve(part.content_type);
  if (part.data !== undefined) out.data = resolve(part.data);
  if (part.data_b64 !== undefined) {
    // Anything else with `$` or `{` is not base64, and the runner refuses it as such.
    const whole = /^\s*(\$[A-Za-z_][A-Za-z0-9_.]*|\{[A-Za-z_][A-Za-z0-9_]*\})\s*$/.test(part.data_b64);
    out.data_b64 = whole ? resolve(part.data_b64) : part.data_b64;
  }
  return out;
}

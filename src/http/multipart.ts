// The multipart/form-data body of an HTTP_MULTIPART step (RFC 7578), from its parts.
import { randomBytes } from 'node:crypto';
import type { MultipartPart } from './request.js';

export interface MultipartBody {
  /** The Content-Type header, boundary included. */
  contentType: string;
  body: Buffer;
}

/** A part that cannot be sent as given; its message says which part and why. */
export class PartError extends Error {}

export function encodeMultipart(parts: MultipartPart[], boundary = `pg_durable-${randomBytes(16).toString('hex')}`): MultipartBody {
  const chunks: Buffer[] = [];
  parts.forEach((part, i) => {
    const data = partData(part, i + 1);
    const disposition = [`form-data; name="${quoteParam(part.name)}"`];
    if (part.filename != null) disposition.push(`filename="${quoteParam(part.filename)}"`);
    const head = [`--${boundary}`, `Content-Disposition: ${disposition.join('; ')}`];
    const type = part.content_type ?? (part.filename != null ? 'application/octet-stream' : null);
    if (type !== null) head.push(`Content-Type: ${noLineBreaks(type)}`);
    chunks.push(Buffer.from(`${head.join('\r\n')}\r\n\r\n`), data, Buffer.from('\r\n'));
  });
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

function partData(part: MultipartPart, n: number): Buffer {
  const what = typeof part?.name === 'string' ? `multipart part ${n} ('${part.name}')` : `multipart part ${n}`;
  if (typeof part !== 'object' || part === null || typeof part.name !== 'string') {
    throw new PartError(`${what} has no name text`);
  }
  for (const field of ['filename', 'content_type'] as const) {
    if (part[field] != null && typeof part[field] !== 'string') throw new PartError(`${what}: ${field} is not text`);
  }
  const hasText = part.data != null;
  const hasBase64 = part.data_b64 != null;
  if (hasText === hasBase64) {
    throw new PartError(`${what} has ${hasText ? 'both data and data_b64' : 'neither data nor data_b64'}; give exactly one`);
  }
  if (hasText) {
    if (typeof part.data !== 'string') throw new PartError(`${what}: data is not text`);
    return Buffer.from(part.data, 'utf8');
  }
  const b64 = typeof part.data_b64 === 'string' ? part.data_b64.replace(/\s+/g, '') : null;
  if (b64 === null || b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) {
    throw new PartError(`${what}: data_b64 is not valid base64`);
  }
  return Buffer.from(b64, 'base64');
}

/** A name or file name inside quotes, escaped the way browsers do (WHATWG HTML form encoding). */
function quoteParam(value: string): string {
  return value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}

function noLineBreaks(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

// A response body as the result envelope carries it: text when the Content-Type says text
// (decoded by its charset) or when the bytes are plain UTF-8, base64 otherwise.

const TEXTUAL_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/javascript',
  'application/x-www-form-urlencoded',
  'application/graphql',
  'application/yaml',
]);

export interface DecodedBody {
  body: string;
  encoding: 'text' | 'base64';
}

export function decodeBody(contentType: string | undefined, bytes: Uint8Array): DecodedBody {
  const { mediaType, charset } = parseContentType(contentType ?? '');
  const text = isTextual(mediaType) ? decodeText(bytes, charset) : strictUtf8(bytes);
  // PostgreSQL's text and jsonb cannot hold NUL: a body with one is base64, whatever its type.
  if (text !== null && !text.includes('\0')) return { body: text, encoding: 'text' };
  return { body: Buffer.from(bytes).toString('base64'), encoding: 'base64' };
}

function isTextual(mediaType: string): boolean {
  return mediaType.startsWith('text/') || /\+(json|xml|yaml)$/.test(mediaType) || TEXTUAL_TYPES.has(mediaType);
}

/** `text/html; charset="ISO-8859-1"` → media type `text/html`, charset `iso-8859-1`. */
function parseContentType(value: string): { mediaType: string; charset: string | null } {
  const [type, ...params] = value.split(';');
  let charset: string | null = null;
  for (const p of params) {
    const m = /^\s*charset\s*=\s*"?([^";]*)"?\s*$/i.exec(p);
    if (m) charset = m[1].trim().toLowerCase();
  }
  return { mediaType: type.trim().toLowerCase(), charset };
}

/** Decoded by the charset TextDecoder knows it by; an unknown or missing charset reads as UTF-8. */
function decodeText(bytes: Uint8Array, charset: string | null): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function strictUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The longest start of `text` that fits in `maxBytes` of UTF-8 without splitting a character. */
export function preview(text: string, maxBytes = 512): string {
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    bytes += Buffer.byteLength(ch);
    if (bytes > maxBytes) break;
    end += ch.length;
  }
  return text.slice(0, end);
}

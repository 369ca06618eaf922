// String constants as PostgreSQL's scanner reads them (scan.l, PostgreSQL 15): '…' with ''
// for a quote; E'…' (and plain '…' when standard_conforming_strings is off) with backslash
// escapes; and a constant continued by another '…' after whitespace that holds a newline.

import { invalid, positionAt, refusal } from './errors.js';

export interface StringConstant {
  value: string;
  /** Index just past the closing quote. */
  end: number;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const OCTAL = /[0-7]{1,3}/y;
const HEX = /[0-9A-Fa-f]{1,2}/y;
const UNICODE = /\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))/y;

/** Reads the constant whose opening quote is at `quote`; `escapes` selects the E'…' rules. */
export function readQuotedString(text: string, quote: number, escapes: boolean): StringConstant {
  const out = new LiteralBuffer(text, quote);
  let i = quote + 1;
  for (;;) {
    const stop = escapes ? quoteOrBackslash(text, i) : text.indexOf("'", i);
    if (stop < 0) throw refusal(`unterminated quoted string at ${positionAt(text, quote)}`);
    out.text(text.slice(i, stop));
    if (text[stop] === '\\') {
      i = readEscape(text, stop, out);
    } else if (text[stop + 1] === "'") {
      out.text("'");
      i = stop + 2;
    } else {
      const next = continuation(text, stop + 1);
      if (next < 0) return { value: out.finish(), end: stop + 1 };
      i = next + 1;
    }
  }
}

function quoteOrBackslash(text: string, from: number): number {
  for (let i = from; i < text.length; i += 1) {
    if (text[i] === "'" || text[i] === '\\') return i;
  }
  return -1;
}

/**
 * The quote that continues a constant: SQL joins 'a'<newline>'b' into 'ab' when only spaces,
 * `--` comments and at least one newline separate them (a block comment does not qualify).
 */
function continuation(text: string, from: number): number {
  let newline = false;
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n' || c === '\r') {
      newline = true;
      i += 1;
    } else if (c === ' ' || c === '\t' || c === '\f') {
      i += 1;
    } else if (c === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i += 1;
    } else {
      break;
    }
  }
  return newline && text[i] === "'" ? i : -1;
}

/** Reads the escape at the backslash `at` into `out`; returns the index after it. */
function readEscape(text: string, at: number, out: LiteralBuffer): number {
  const c = text[at + 1];
  if (c === undefined) return at + 1; // the caller then finds no closing quote
  if (c >= '0' && c <= '7') {
    const digits = match(OCTAL, text, at + 1) as string;
    out.byte(parseInt(digits, 8) & 0xff); // \777 keeps the low byte, as PostgreSQL does
    return at + 1 + digits.length;
  }
  const hex = c === 'x' ? match(HEX, text, at + 2) : undefined;
  if (hex !== undefined) {
    out.byte(parseInt(hex, 16));
    return at + 2 + hex.length;
  }
  if (c === 'u' || c === 'U') return readUnicode(text, at, out);
  // Any other character stands for itself: \' \\ \q; \x without hex digits is "x".
  out.text(SIMPLE_ESCAPES[c] ?? c);
  return at + 2;
}

function readUnicode(text: string, at: number, out: LiteralBuffer): number {
  const first = unicodeEscape(text, at);
  if (first === undefined) throw invalid(`invalid Unicode escape at ${positionAt(text, at)} (use \\uXXXX or \\UXXXXXXXX)`);
  let { code, end } = first;
  if (code >= 0xd800 && code <= 0xdbff) {
    const low = unicodeEscape(text, end);
    if (low === undefined || low.code < 0xdc00 || low.code > 0xdfff) throw surrogateError(text, at);
    code = 0x10000 + ((code - 0xd800) << 10) + (low.code - 0xdc00);
    end = low.end;
  } else if (code >= 0xdc00 && code <= 0xdfff) {
    throw surrogateError(text, at);
  }
  if (code === 0 || code > 0x10ffff) throw invalid(`invalid Unicode escape value at ${positionAt(text, at)}`);
  out.text(String.fromCodePoint(code));
  return end;
}

function unicodeEscape(text: string, at: number): { code: number; end: number } | undefined {
  UNICODE.lastIndex = at;
  const m = UNICODE.exec(text);
  return m === null ? undefined : { code: parseInt(m[1] ?? m[2], 16), end: UNICODE.lastIndex };
}

function surrogateError(text: string, at: number): Error {
  return invalid(`invalid Unicode surrogate pair at ${positionAt(text, at)}`);
}

function match(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

/**
 * Octal and hex escapes give bytes, not characters: runs of them must form valid UTF-8 (the
 * server encoding the engine requires), and NUL is never allowed in text.
 */
class LiteralBuffer {
  private readonly parts: string[] = [];
  private bytes: number[] = [];

  constructor(private readonly source: string, private readonly start: number) {}

  text(s: string): void {
    if (s === '') return;
    this.flush();
    this.parts.push(s);
  }

  byte(b: number): void {
    this.bytes.push(b);
  }

  finish(): string {
    this.flush();
    return this.parts.join('');
  }

  private flush(): void {
    if (this.bytes.length === 0) return;
    const decoded = decodeUtf8(this.bytes);
    if (typeof decoded === 'number') {
      const hex = `0x${decoded.toString(16).padStart(2, '0')}`;
      throw invalid(`invalid byte sequence for encoding "UTF8": ${hex} in the string at ${positionAt(this.source, this.start)}`);
    }
    this.parts.push(decoded);
    this.bytes = [];
  }
}

/** The decoded text, or the first byte that does not start a valid sequence. */
function decodeUtf8(bytes: readonly number[]): string | number {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    const [length, min] = lead < 0x80 ? [1, 1] : lead >= 0xc2 && lead <= 0xdf ? [2, 0x80]
      : lead >= 0xe0 && lead <= 0xef ? [3, 0x800] : lead >= 0xf0 && lead <= 0xf4 ? [4, 0x10000] : [0, 0];
    if (length === 0) return lead;
    let code = length === 1 ? lead : lead & (0xff >> (length + 1));
    for (let k = 1; k < length; k += 1) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return lead;
      code = (code << 6) | (next & 0x3f);
    }
    // min rejects overlong forms, and NUL too (min 1 for a single byte).
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return lead;
    out += String.fromCodePoint(code);
    i += length;
  }
  return out;
}

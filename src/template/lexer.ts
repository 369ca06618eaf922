// Splits PostgreSQL SQL text into code and the regions a template must never touch:
// string literals, quoted identifiers, comments and dollar-quoted bodies. It follows
// PostgreSQL's scanner (scan.l) under the session's string settings: with
// standard_conforming_strings off a plain '...' (or N'...') string reads backslash as an escape,
// exactly like E'...', so "'a\' || $x'" is one string there. backslash_quote and
// escape_string_warning never move where a string ends (they only raise an error or a warning),
// and step SQL reaches the scanner in the server encoding, never a client-only one. Unterminated
// regions run to the end of the text; PostgreSQL reports those errors itself when the statement
// runs.

/** The session settings that decide where PostgreSQL's string literals end. */
export interface StringSettings {
  standardConformingStrings: boolean;
}

/** PostgreSQL's defaults. */
export const STANDARD_STRINGS: StringSettings = { standardConformingStrings: true };

/**
 * Whether lexing `sql` can depend on StringSettings: the settings only change how a backslash
 * inside a plain '...' string reads, so text without a backslash lexes the same under any.
 */
export function dependsOnStringSettings(sql: string): boolean {
  return sql.includes('\\');
}

export type SegmentKind = 'code' | 'string' | 'quoted_identifier' | 'comment' | 'dollar_quoted';

export interface Segment {
  kind: SegmentKind;
  start: number;
  end: number;
  text: string;
}

// High-bit characters count as letters, as in PostgreSQL's identifier rules.
const isIdentifierStart = (c: string): boolean => /[A-Za-z_]/.test(c) || c.charCodeAt(0) >= 0x80;
const isIdentifierPart = (c: string): boolean => /[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) >= 0x80;
// The tag of $tag$: identifier characters without '$', not starting with a digit; may be empty.
const DOLLAR_DELIMITER = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

interface StringRules {
  backslashEscapes: boolean; // E'...': \' does not end the string
  doubledQuotes: boolean; // '' stands for one quote (not in B'...' and X'...')
}
const STANDARD: StringRules = { backslashEscapes: false, doubledQuotes: true };
const ESCAPE: StringRules = { backslashEscapes: true, doubledQuotes: true };
const BIT: StringRules = { backslashEscapes: false, doubledQuotes: false };

export function lexSql(sql: string, strings: StringSettings = STANDARD_STRINGS): Segment[] {
  const plain = strings.standardConformingStrings ? STANDARD : ESCAPE;
  const segments: Segment[] = [];
  let codeStart = 0;
  const protect = (kind: SegmentKind, start: number, end: number): number => {
    if (start > codeStart) segments.push(segment(sql, 'code', codeStart, start));
    segments.push(segment(sql, kind, start, end));
    codeStart = end;
    return end;
  };

  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "'") {
      i = protect('string', i, endOfQuoted(sql, i + 1, "'", plain));
    } else if (c === '"') {
      i = protect('quoted_identifier', i, endOfQuoted(sql, i + 1, '"', STANDARD));
    } else if (c === '-' && next === '-') {
      i = protect('comment', i, endOfLine(sql, i + 2));
    } else if (c === '/' && next === '*') {
      i = protect('comment', i, endOfBlockComment(sql, i + 2));
    } else if (c === '$') {
      DOLLAR_DELIMITER.lastIndex = i;
      const delimiter = DOLLAR_DELIMITER.exec(sql);
      if (delimiter === null) {
        i++; // a positional parameter ($1) or a lone '$'
      } else {
        const close = sql.indexOf(delimiter[0], DOLLAR_DELIMITER.lastIndex);
        i = protect('dollar_quoted', i, close < 0 ? sql.length : close + delimiter[0].length);
      }
    } else if (isIdentifierStart(c)) {
      const prefixed = prefixedString(sql, i, plain);
      if (prefixed === null) {
        // Consumed whole, so "x$a$" stays an identifier and "xe'..'" is not an E-string.
        i = endOfIdentifier(sql, i + 1);
      } else {
        i = protect('string', i, endOfQuoted(sql, prefixed.quoteAt + 1, "'", prefixed.rules));
      }
    } else {
      i++;
    }
  }
  if (codeStart < sql.length) segments.push(segment(sql, 'code', codeStart, sql.length));
  return segments;
}

function segment(sql: string, kind: SegmentKind, start: number, end: number): Segment {
  return { kind, start, end, text: sql.slice(start, end) };
}

/**
 * E'..', B'..', X'..', N'..' and U&'..' — only when the prefix starts a word. N'..' reads like a
 * plain string; U&'..' never takes backslash escapes (PostgreSQL refuses it outright when
 * standard_conforming_strings is off).
 */
function prefixedString(sql: string, i: number, plain: StringRules): { quoteAt: number; rules: StringRules } | null {
  const prefix = sql[i].toUpperCase();
  if (sql[i + 1] === "'") {
    if (prefix === 'E') return { quoteAt: i + 1, rules: ESCAPE };
    if (prefix === 'B' || prefix === 'X') return { quoteAt: i + 1, rules: BIT };
    if (prefix === 'N') return { quoteAt: i + 1, rules: plain };
  }
  if (prefix === 'U' && sql[i + 1] === '&' && sql[i + 2] === "'") return { quoteAt: i + 2, rules: STANDARD };
  return null;
}

/** Index just past the closing quote, or the end of the text. */
function endOfQuoted(sql: string, from: number, quote: string, rules: StringRules): number {
  let i = from;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '\\' && rules.backslashEscapes) {
      i += 2;
    } else if (c === quote) {
      if (!rules.doubledQuotes || sql[i + 1] !== quote) return i + 1;
      i += 2;
    } else if (rules.backslashEscapes) {
      i++;
    } else {
      const close = sql.indexOf(quote, i);
      if (close < 0) return sql.length;
      i = close;
    }
  }
  return sql.length;
}

function endOfLine(sql: string, from: number): number {
  for (let i = from; i < sql.length; i++) {
    if (sql[i] === '\n' || sql[i] === '\r') return i;
  }
  return sql.length;
}

/** PostgreSQL block comments nest: /* a /* b *\/ c *\/ is one comment. */
function endOfBlockComment(sql: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}

function endOfIdentifier(sql: string, from: number): number {
  let i = from;
  while (i < sql.length && isIdentifierPart(sql[i])) i++;
  return i;
}

// Splits DSL text into tokens exactly where PostgreSQL's scanner (scan.l, PostgreSQL 15)
// would, so that the parser sees the tokens PostgreSQL sees: `~>@>` is one (unknown) operator,
// `'a' ~>--c` ends the operator at the comment, `1e` is trailing junk. Tokens are produced on
// demand, so a refusal early in a long text costs nothing for the rest.

import { positionAt, quoteSource, refusal } from './errors.js';
import { readQuotedString } from './strings.js';

export type TokenKind = 'string' | 'number' | 'identifier' | 'quoted_identifier' | 'operator' | 'punctuation' | 'end';

export interface Token {
  kind: TokenKind;
  /** string: its value; identifier: folded to lower case; quoted_identifier: its name; else the source text. */
  value: string;
  start: number;
  end: number;
}

const OPERATOR_CHARS = '~!@#^&|`?+-*/%<>=';
const NUMBER = /(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y;
const DOLLAR_DELIMITER = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
// Characters above ASCII count as letters in identifiers, as in PostgreSQL.
const isIdentifierStart = (c: string): boolean => /[A-Za-z_]/.test(c) || c.charCodeAt(0) >= 0x80;
const isIdentifierPart = (c: string): boolean => /[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) >= 0x80;

export class Lexer {
  private offset = 0;
  private readonly ahead: Token[] = [];

  constructor(readonly text: string, private readonly standardConformingStrings: boolean) {}

  peek(k = 0): Token {
    while (this.ahead.length <= k) this.ahead.push(this.scan());
    return this.ahead[k];
  }

  next(): Token {
    const token = this.peek();
    this.ahead.shift();
    return token;
  }

  /** `"pg_sleep" at position 1`, for messages. */
  describe(token: Token): string {
    if (token.kind === 'end') return 'the end of the input';
    return `${quoteSource(this.text.slice(token.start, token.end))} at ${positionAt(this.text, token.start)}`;
  }

  private scan(): Token {
    this.skipBlanks();
    const { text } = this;
    const start = this.offset;
    if (start >= text.length) return this.emit('end', '', start, start);
    const c = text[start];
    const next = text[start + 1] ?? '';
    if (c === "'") return this.string(start, start, !this.standardConformingStrings);
    if ((c === 'e' || c === 'E') && next === "'") return this.string(start, start + 1, true);
    if ((/[bBxXnN]/.test(c) && next === "'") || (/[uU]/.test(c) && next === '&' && /['"]/.test(text[start + 2] ?? ''))) {
      const prefix = text.slice(start, next === '&' ? start + 3 : start + 2);
      throw refusal(`the ${quoteSource(prefix)} literal at ${positionAt(text, start)} is not supported`);
    }
    if (c === '"') return this.quotedIdentifier(start);
    if (c === '$') return this.dollarQuoted(start);
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(next))) return this.number(start);
    if (isIdentifierStart(c)) return this.identifier(start);
    if (OPERATOR_CHARS.includes(c)) return this.operator(start);
    if (c === ':') return this.emit('punctuation', next === ':' || next === '=' ? `:${next}` : ':', start);
    if ('(),;[].'.includes(c)) return this.emit('punctuation', c, start);
    throw refusal(`unexpected character ${quoteSource(c)} at ${positionAt(text, start)}`);
  }

  private emit(kind: TokenKind, value: string, start: number, end = start + value.length): Token {
    this.offset = end;
    return { kind, value, start, end };
  }

  /** Whitespace, `--` comments and nested block comments. */
  private skipBlanks(): void {
    const { text } = this;
    let i = this.offset;
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
        i += 1;
      } else if (c === '-' && text[i + 1] === '-') {
        while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i += 1;
      } else if (c === '/' && text[i + 1] === '*') {
        i = this.blockCommentEnd(i);
      } else {
        this.offset = i;
        return;
      }
    }
  }

  private blockCommentEnd(start: number): number {
    const { text } = this;
    let depth = 1;
    let i = start + 2;
    while (i < text.length) {
      if (text[i] === '/' && text[i + 1] === '*') {
        depth += 1;
        i += 2;
      } else if (text[i] === '*' && text[i + 1] === '/') {
        depth -= 1;
        i += 2;
        if (depth === 0) return i;
      } else {
        i += 1;
      }
    }
    throw refusal(`unterminated /* comment at ${positionAt(text, start)}`);
  }

  private string(start: number, quote: number, escapes: boolean): Token {
    const constant = readQuotedString(this.text, quote, escapes);
    return this.emit('string', constant.value, start, constant.end);
  }

  private quotedIdentifier(start: number): Token {
    const { text } = this;
    let name = '';
    let i = start + 1;
    for (;;) {
      const close = text.indexOf('"', i);
      if (close < 0) throw refusal(`unterminated quoted identifier at ${positionAt(text, start)}`);
      name += text.slice(i, close);
      if (text[close + 1] !== '"') {
        if (name === '') throw refusal(`zero-length quoted identifier at ${positionAt(text, start)}`);
        return this.emit('quoted_identifier', name, start, close + 1);
      }
      name += '"';
      i = close + 2;
    }
  }

  /** $$…$$ and $tag$…$tag$; `$1` is a parameter, which an explained text has no value for. */
  private dollarQuoted(start: number): Token {
    const { text } = this;
    DOLLAR_DELIMITER.lastIndex = start;
    const delimiter = DOLLAR_DELIMITER.exec(text)?.[0];
    if (delimiter === undefined) {
      const parameter = /^\$[0-9]+/.exec(text.slice(start, start + 12))?.[0];
      throw refusal(parameter === undefined
        ? `unexpected character "$" at ${positionAt(text, start)}`
        : `the parameter ${quoteSource(parameter)} at ${positionAt(text, start)} has no value`);
    }
    const bodyStart = start + delimiter.length;
    const close = text.indexOf(delimiter, bodyStart);
    if (close < 0) throw refusal(`unterminated dollar-quoted string at ${positionAt(text, start)}`);
    return this.emit('string', text.slice(bodyStart, close), start, close + delimiter.length);
  }

  private number(start: number): Token {
    const { text } = this;
    NUMBER.lastIndex = start;
    const literal = (NUMBER.exec(text) as RegExpExecArray)[0];
    const after = text[start + literal.length];
    if (after !== undefined && isIdentifierStart(after)) {
      throw refusal(`trailing junk after the number at ${positionAt(text, start)}`);
    }
    return this.emit('number', literal, start);
  }

  private identifier(start: number): Token {
    const { text } = this;
    let end = start + 1;
    while (end < text.length && isIdentifierPart(text[end])) end += 1;
    // PostgreSQL folds only ASCII letters in a UTF-8 database.
    const folded = text.slice(start, end).replace(/[A-Z]+/g, (s) => s.toLowerCase());
    return this.emit('identifier', folded, start, end);
  }

  /**
   * The longest run of operator characters, cut where a comment starts; a trailing + or - is
   * split off unless the operator holds a character SQL's own operators never use (so `=>-5`
   * is `=>` then `-5`, but `~>-` stays one operator).
   */
  private operator(start: number): Token {
    const { text } = this;
    let end = start;
    while (end < text.length && OPERATOR_CHARS.includes(text[end])) end += 1;
    let op = text.slice(start, end);
    const commentStarts = [op.indexOf('/*'), op.indexOf('--')].filter((i) => i > 0);
    if (commentStarts.length > 0) op = op.slice(0, Math.min(...commentStarts));
    if (!/[~!@#^&|`?%]/.test(op)) {
      while (op.length > 1 && /[+-]$/.test(op)) op = op.slice(0, -1);
    }
    return this.emit('operator', op, start);
  }
}

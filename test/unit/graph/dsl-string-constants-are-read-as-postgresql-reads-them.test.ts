import { describe, expect, it } from 'vitest';
import { seq } from '../../../src/graph/builders.js';
import { envelopeFromDsl } from '../../../src/graph/dsl/index.js';

const read = (text: string, standardConformingStrings = true): string => envelopeFromDsl(text, { standardConformingStrings });
/** The SQL step a constant becomes, read through `<constant> ~> 'x'`. */
const step = (constant: string, standardConformingStrings = true): string =>
  (JSON.parse(read(`${constant} ~> 'x'`, standardConformingStrings)) as { left_node: { query: string } }).left_node.query;

describe('plain quoted strings', () => {
  it("double a quote inside '…'", () => {
    expect(step("'it''s'")).toBe("it's");
  });

  it('keep backslashes when standard_conforming_strings is on', () => {
    expect(step("'a\\tb\\'")).toBe('a\\tb\\');
  });

  it('take backslash escapes when standard_conforming_strings is off', () => {
    expect(step("'a\\tb\\'c'", false)).toBe("a\tb'c");
  });
});

describe('E strings', () => {
  it('read the C-style escapes', () => {
    expect(step("E'a\\tb\\nc\\\\d\\'e\\bf\\fg\\rh'")).toBe("a\tb\nc\\d'e\bf\fg\rh");
  });

  it('read octal, hex and Unicode escapes, and any other escaped character as itself', () => {
    expect(step("e'\\101\\x41\\u00e9\\U0001F600\\uD83D\\uDE00\\q\\xg\\v'")).toBe('AAé😀😀qxgv');
  });

  it('join octal and hex bytes into UTF-8 characters', () => {
    expect(step("E'\\303\\251\\xe2\\x82\\xac'")).toBe('é€');
  });

  it.each([
    ["E'\\377'", 'invalid byte sequence for encoding "UTF8": 0xff'],
    ["E'\\303'", 'invalid byte sequence for encoding "UTF8": 0xc3'],
    ["E'\\000'", 'invalid byte sequence for encoding "UTF8": 0x00'],
    ["E'\\xc0\\x80'", 'invalid byte sequence for encoding "UTF8": 0xc0'],
    ["E'\\uD83D'", 'invalid Unicode surrogate pair'],
    ["E'\\uDE00'", 'invalid Unicode surrogate pair'],
    ["E'\\u0000'", 'invalid Unicode escape value'],
    ["E'\\U00110000'", 'invalid Unicode escape value'],
    ["E'\\u12'", 'invalid Unicode escape'],
  ])('reject %s as PostgreSQL does', (constant, message) => {
    expect(() => read(`${constant} ~> 'x'`)).toThrow(`Cannot explain input: ${message}`);
  });
});

describe('dollar-quoted strings', () => {
  it('take their body literally, with or without a tag', () => {
    expect(read("$$it's \\n$$ ~> $tag$ $$ $ta $tag$")).toBe(seq("it's \\n", ' $$ $ta '));
  });

  it('end only at their own tag', () => {
    expect(step('$a$ $b$ $$ $A$ $a$')).toBe(' $b$ $$ $A$ ');
  });
});

describe('adjacent string constants', () => {
  it('are joined when a newline separates them', () => {
    expect(read("'SELECT '\n'1' ~> 'x'")).toBe(seq('SELECT 1', 'x'));
    expect(step("'a'  \r\n\t 'b'")).toBe('ab');
  });

  it('may have -- comments between them', () => {
    expect(step("'a' -- first\n  -- second\n'b'")).toBe('ab');
  });

  it('continue an E string with its escapes', () => {
    expect(step("E'a\\n'\n'\\t'")).toBe('a\n\t');
  });

  it('are a syntax error on one line or with a block comment between them', () => {
    expect(() => read("'a' 'b'")).toThrow('unexpected "\'b\'" at position 5 after a complete expression');
    expect(() => read("'a' /* c */\n'b'")).toThrow('at position 13');
  });
});

describe('comments', () => {
  it('nest /* */ and end -- at the line end', () => {
    expect(read("/* a /* b */ c */ 'A' /**/~>/* x */'B' -- end")).toBe(seq('A', 'B'));
  });

  it('end an operator where they start', () => {
    expect(read("'A' ~>--c\n'B'")).toBe(seq('A', 'B'));
    expect(read("'A' ~>/* c */'B'")).toBe(seq('A', 'B'));
  });
});

describe('non-ASCII text', () => {
  it('passes through unchanged', () => {
    expect(read("'é' ~> 'ü😀'")).toBe(seq('é', 'ü😀'));
  });
});

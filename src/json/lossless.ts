// JSON that keeps numbers exact. PostgreSQL results carry int8 beyond 2^53 and numeric
// digits that a JavaScript number would round, so a number keeps its source text.

/** A JSON number held as its text, so no digit is lost. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type Json = null | boolean | string | JsonNumber | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export class JsonParseError extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(`Invalid JSON at position ${position}: ${reason}`);
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WHOLE_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const SIMPLE_ESCAPES = '"\\/bfnrt';
const SIMPLE_ESCAPED = '"\\/\b\f\n\r\t';
// JavaScript lists array-index keys ("0", "12") before all others; column order must survive.
const ARRAY_INDEX_KEY = /^(?:0|[1-9][0-9]*)$/;
const SOURCE_KEY_ORDER = Symbol('sourceKeyOrder');

export function isJsonNumberText(text: string): boolean {
  return WHOLE_NUMBER.test(text);
}

export function isJsonObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);
}

/**
 * The keys in source order (Object.keys would move array-index keys first). The order is
 * recorded at parse time, so parsed objects are to be read, not modified.
 */
export function jsonKeys(object: JsonObject): string[] {
  return (object as { [SOURCE_KEY_ORDER]?: string[] })[SOURCE_KEY_ORDER] ?? Object.keys(object);
}

export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** Sets a key as an own data property; plain assignment of "__proto__" would set the prototype. */
function setOwn(object: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    object[key] = value;
  }
}

type Frame =
  | { kind: 'array'; array: Json[] }
  | { kind: 'object'; object: JsonObject; key: string; order: string[] | null };

/** Parses JSON text, keeping numbers as JsonNumber and key order as written. */
export function parseLossless(text: string): Json {
  let pos = 0;

  const fail = (reason: string, at = pos): never => {
    throw new JsonParseError(reason, at);
  };
  const describe = (at: number): string =>
    at >= text.length ? 'end of input' : `character ${JSON.stringify(text[at])}`;
  const skipWhitespace = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      pos++;
    }
  };
  const expect = (char: string, what: string): void => {
    skipWhitespace();
    if (text[pos] !== char) fail(`expected ${what} but found ${describe(pos)}`);
    pos++;
  };

  const readString = (): string => {
    const start = pos;
    let result = '';
    let chunkStart = pos + 1;
    let i = chunkStart;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
        i++;
      } else if (c === 0x22) {
        pos = i + 1;
        return result + text.slice(chunkStart, i);
      } else if (c === 0x5c) {
        result += text.slice(chunkStart, i) + readEscape(i);
        i += text[i + 1] === 'u' ? 6 : 2;
        chunkStart = i;
      } else if (i >= text.length) {
        return fail('unterminated string', start);
      } else {
        return fail(`control character U+${c.toString(16).padStart(4, '0')} in string`, i);
      }
    }
  };

  const readEscape = (at: number): string => {
    const c = text[at + 1];
    const simple = SIMPLE_ESCAPES.indexOf(c);
    if (simple >= 0) return SIMPLE_ESCAPED[simple];
    if (c !== 'u') return fail(`invalid escape ${describe(at + 1)}`, at);
    const hex = text.slice(at + 2, at + 6);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('\\u must be followed by four hex digits', at);
    return String.fromCharCode(parseInt(hex, 16));
  };

  const readKey = (): string => {
    skipWhitespace();
    if (text[pos] !== '"') fail(`expected a string key but found ${describe(pos)}`);
    const key = readString();
    expect(':', "':'");
    return key;
  };

  const readScalar = (): Json => {
    const c = text[pos];
    if (c === '"') return readString();
    const literal = LITERALS.find(([word]) => word[0] === c && text.startsWith(word, pos));
    if (literal !== undefined) {
      pos += literal[0].length;
      return literal[1];
    }
    NUMBER.lastIndex = pos;
    if (!NUMBER.test(text)) return fail(`expected a value but found ${describe(pos)}`);
    const number = new JsonNumber(text.slice(pos, NUMBER.lastIndex));
    pos = NUMBER.lastIndex;
    return number;
  };

  const addKey = (frame: Frame & { kind: 'object' }, value: Json): void => {
    const { object, key } = frame;
    const isNew = !hasOwn(object, key);
    if (isNew && frame.order === null && ARRAY_INDEX_KEY.test(key)) frame.order = Object.keys(object);
    if (isNew && frame.order !== null) frame.order.push(key);
    setOwn(object, key, value);
  };

  const closeObject = (frame: Frame & { kind: 'object' }): JsonObject => {
    if (frame.order !== null) Object.defineProperty(frame.object, SOURCE_KEY_ORDER, { value: frame.order });
    return frame.object;
  };

  // An explicit stack instead of recursion: nesting depth is bounded by memory, not the JS stack.
  const stack: Frame[] = [];
  for (;;) {
    skipWhitespace();
    let value: Json;
    const c = text[pos];
    if (c === '{' || c === '[') {
      pos++;
      skipWhitespace();
      if (c === '{' && text[pos] !== '}') {
        stack.push({ kind: 'object', object: {}, key: readKey(), order: null });
        continue;
      }
      if (c === '[' && text[pos] !== ']') {
        stack.push({ kind: 'array', array: [] });
        continue;
      }
      pos++;
      value = c === '{' ? {} : [];
    } else {
      value = readScalar();
    }

    // Hand the finished value to its container, closing every container that ends here.
    for (;;) {
      const frame = stack[stack.length - 1];
      if (frame === undefined) {
        skipWhitespace();
        if (pos < text.length) fail(`unexpected ${describe(pos)} after the JSON value`);
        return value;
      }
      if (frame.kind === 'array') frame.array.push(value);
      else addKey(frame, value);
      skipWhitespace();
      const next = text[pos];
      pos++;
      if (next === ',') {
        if (frame.kind === 'object') frame.key = readKey();
        break;
      }
      if (frame.kind === 'array' && next === ']') {
        value = frame.array;
      } else if (frame.kind === 'object' && next === '}') {
        value = closeObject(frame);
      } else {
        fail(`expected ',' or '${frame.kind === 'array' ? ']' : '}'}' but found ${describe(pos - 1)}`, pos - 1);
      }
      stack.pop();
    }
  }
}

const LITERALS: ReadonlyArray<[string, Json]> = [
  ['true', true],
  ['false', false],
  ['null', null],
];

/** JSON text without whitespace; numbers are written as their exact text. */
export function stringifyLossless(value: Json): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof JsonNumber) {
    if (!isJsonNumberText(value.text)) throw new TypeError(`not a JSON number: ${JSON.stringify(value.text)}`);
    return value.text;
  }
  if (Array.isArray(value)) return `[${value.map(stringifyLossless).join(',')}]`;
  if (isJsonObject(value)) {
    const members = jsonKeys(value).map((key) => `${JSON.stringify(key)}:${stringifyLossless(value[key])}`);
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`not a JSON value: ${String(value)}`);
}

/**
 * Converts a plain JavaScript value the way JSON.stringify would see it: undefined and
 * non-finite numbers become null (undefined object members are dropped), toJSON is honoured,
 * bigints stay exact. Functions, symbols and cycles are errors.
 */
export function fromPlain(value: unknown): Json {
  return convertPlain(value, new Set());
}

function convertPlain(value: unknown, ancestors: Set<object>): Json {
  switch (typeof value) {
    case 'undefined':
      return null;
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? new JsonNumber(String(value)) : null;
    case 'bigint':
      return new JsonNumber(value.toString());
    case 'object':
      break;
    default:
      throw new TypeError(`fromPlain: a ${typeof value} cannot be represented in JSON`);
  }
  if (value === null || value instanceof JsonNumber) return value;
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return convertPlain(withToJson.toJSON(), ancestors);
  if (ancestors.has(value)) throw new TypeError('fromPlain: the value contains a cycle');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => convertPlain(item, ancestors));
    const object: JsonObject = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) setOwn(object, key, convertPlain(member, ancestors));
    }
    return object;
  } finally {
    ancestors.delete(value);
  }
}

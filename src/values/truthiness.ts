// Truthiness of a node result, used by IF conditions and loop while-conditions (spec section 8).

import { isJsonObject, jsonKeys, JsonNumber, type Json } from '../json/lossless.js';

// Decimal text as PostgreSQL and JSON print numbers; anything else (hex, NaN, Infinity) is
// ordinary non-empty text.
const DECIMAL_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

const TRUE_WORDS: ReadonlySet<string> = new Set(['true', 't', 'yes']);
const FALSE_WORDS: ReadonlySet<string> = new Set(['false', 'f', 'no']);

export function isTruthy(value: Json): boolean {
  return isTruthyValue(conditionValue(value));
}

/** A query result (`{rows: [...]}`) stands for its first column of its first row; no rows is false. */
function conditionValue(value: Json): Json {
  if (!isJsonObject(value)) return value;
  const rows = value.rows;
  if (!Array.isArray(rows)) return value;
  const firstRow = rows[0];
  if (firstRow === undefined) return false;
  if (Array.isArray(firstRow)) return firstRow[0] ?? null;
  if (isJsonObject(firstRow)) {
    // Source order: Object.keys would put a column named like "2" first.
    const firstColumn = jsonKeys(firstRow)[0];
    return firstColumn === undefined ? null : (firstRow[firstColumn] ?? null);
  }
  return firstRow;
}

function isTruthyValue(value: Json): boolean {
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return isTruthyText(value);
  if (value instanceof JsonNumber) return !isZeroDecimal(value.text);
  if (Array.isArray(value)) return value.length > 0;
  return jsonKeys(value).length > 0;
}

function isTruthyText(raw: string): boolean {
  const text = raw.trim();
  if (text === '') return false;
  const word = text.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  if (DECIMAL_TEXT.test(text)) return !isZeroDecimal(text);
  return true;
}

/** Decided on the digits, not via a JS number, so '1e-400' is not zero and '0e999' is. */
function isZeroDecimal(text: string): boolean {
  const mantissa = text.split(/[eE]/)[0] ?? '';
  return !/[1-9]/.test(mantissa);
}

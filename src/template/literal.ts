// SQL text for values substituted into step SQL. Nothing emitted here can end the literal it
// sits in, whatever the session's string settings: every quote is doubled (never written \',
// which backslash_quote may refuse), and a string with a backslash becomes an E'...' literal
// with backslashes doubled, which reads the same whether standard_conforming_strings is on or
// off. A string without a backslash stays a plain '...' literal: with nothing to escape it too
// reads the same under both settings, and it keeps substituted SQL as readable as it was
// written. The only bare values are validated numbers and booleans.

import {
  type Json,
  type JsonObject,
  JsonNumber,
  hasOwn,
  isJsonNumberText,
  jsonKeys,
  stringifyLossless,
} from '../json/lossless.js';
import { SubstitutionError } from './errors.js';

export function quoteString(text: string): string {
  const quotesDoubled = text.replace(/'/g, "''");
  return text.includes('\\') ? `E'${quotesDoubled.replace(/\\/g, '\\\\')}'` : `'${quotesDoubled}'`;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function numberText(value: JsonNumber): string {
  if (!isJsonNumberText(value.text)) {
    throw new SubstitutionError(`${JSON.stringify(value.text)} is not a valid number, so it cannot be substituted`);
  }
  return value.text;
}

/** A non-null JSON value as a SQL literal; objects and arrays become quoted JSON text. */
export function sqlLiteral(value: Exclude<Json, null>): string {
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof JsonNumber) {
    const text = numberText(value);
    // Parenthesised so "10-$n" cannot become the comment "10--5" and "$n::text" casts -5, not 5.
    return text.startsWith('-') ? `(${text})` : text;
  }
  return quoteString(stringifyLossless(value));
}

/** A value as it appears in raw text (URL, body, headers): strings unquoted, NULL for null. */
export function rawText(value: Json): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof JsonNumber) return value.text;
  return stringifyLossless(value);
}

/**
 * A quoted array literal such as '{1,2}' or '{"a b","c"}'. Left untyped, PostgreSQL resolves it
 * against the other operand, so "uuid_col = ANY(...)" and "int_col = ANY(...)" both work.
 * Nested JSON arrays become sub-arrays; objects become quoted JSON text.
 */
export function arrayLiteral(values: Json[]): string {
  return quoteString(arrayText(values));
}

function arrayText(values: Json[]): string {
  return `{${values.map(arrayElement).join(',')}}`;
}

function arrayElement(value: Json): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof JsonNumber) return numberText(value);
  if (Array.isArray(value)) return arrayText(value);
  const text = typeof value === 'string' ? value : stringifyLossless(value);
  // Always quoted, so the string "NULL" or one with commas or braces stays one element.
  return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * Rows as a table expression usable in FROM. Columns come from the first row's keys; a row
 * lacking a column gives NULL there. No rows give a zero-column, zero-row table.
 */
export function valuesTable(alias: string, rows: JsonObject[]): string {
  if (rows.length === 0) return `(SELECT WHERE false) AS ${quoteIdentifier(alias)}`;
  const columns = jsonKeys(rows[0]);
  const tuples = rows.map((row) => {
    const cells = columns.map((column) => {
      const value = hasOwn(row, column) ? row[column] : null;
      return value === null ? 'NULL' : sqlLiteral(value);
    });
    return `(${cells.join(',')})`;
  });
  return `(VALUES ${tuples.join(',')}) AS ${quoteIdentifier(alias)}(${columns.map(quoteIdentifier).join(',')})`;
}

// What a $name reference stands for, given the named result it points at (spec section 6).
// A row set is a SQL node's result {"rows":[…],"row_count":N}; anything else (a JOIN array, a
// signal or HTTP result, a break value) is used as a whole or by top-level field.

import {
  type Json,
  type JsonObject,
  JsonNumber,
  hasOwn,
  isJsonObject,
  jsonKeys,
  stringifyLossless,
} from '../json/lossless.js';
import { SubstitutionError } from './errors.js';

export interface Reference {
  name: string;
  column: string | null; // $name.col
  star: boolean; // $name.*
  nullSafe: boolean; // $name? / $name.col?: absent or NULL gives NULL instead of an error
}

const MAX_TABLE_ROWS = 10_000;

type RowSet = JsonObject & { rows: Json[] };

function isRowSet(result: Json): result is RowSet {
  return isJsonObject(result) && hasOwn(result, 'rows') && Array.isArray(result.rows);
}

export function describeReference(ref: Reference): string {
  return `$${ref.name}${ref.star ? '.*' : ref.column === null ? '' : `.${ref.column}`}`;
}

/**
 * The single value $name or $name.col stands for; null only for a null-safe reference.
 * A whole result that is not a row set stands for its JSON text.
 *
 * Decisions: a column missing from a row set is an error even when null-safe, because rows
 * have a fixed column list and a typo should not silently become NULL; a field missing from a
 * non-row-set object (signal data, HTTP result) is absent, so null-safe gives NULL. And
 * $name.row_count on a row set without such a column gives its row_count, so the number of
 * rows a DML statement affected can be used.
 */
export function referencedValue(ref: Reference, result: Json): Json {
  if (isRowSet(result)) {
    if (isRowCountReference(ref, result)) return present(ref, result.row_count);
    if (result.rows.length === 0) return absent(ref, `$${ref.name} has no rows`);
    const row = rowAt(ref, result.rows, 0);
    return present(ref, row[columnOf(ref, row)]);
  }
  if (ref.column !== null) return fieldOf(ref, result);
  return result === null ? absent(ref, `$${ref.name} is NULL`) : stringifyLossless(result);
}

/**
 * The values $name or $name.col stands for as the argument of ANY(...)/ALL(...): the column over
 * all rows of a row set, or the elements of a JSON array (another value is a one-element list).
 * null only for a null-safe reference to an absent or NULL value.
 */
export function referencedValues(ref: Reference, result: Json): Json[] | null {
  if (isRowSet(result)) {
    const rows = result.rows;
    if (rows.length === 0) return [];
    const column = columnOf(ref, rowAt(ref, rows, 0));
    return rows.map((_, index) => {
      const row = rowAt(ref, rows, index);
      return hasOwn(row, column) ? row[column] : null;
    });
  }
  const value = ref.column === null ? present(ref, result) : fieldOf(ref, result);
  if (value === null) return null;
  return Array.isArray(value) ? value : [value];
}

/** The rows $name.* stands for. */
export function referencedRows(ref: Reference, result: Json): JsonObject[] {
  if (!isRowSet(result)) {
    throw new SubstitutionError(
      `$${ref.name}.* needs the result of a SQL step, but $${ref.name} holds ${kindOf(result)}`,
    );
  }
  const rows = result.rows;
  if (rows.length > MAX_TABLE_ROWS) {
    throw new SubstitutionError(
      `$${ref.name}.* has ${rows.length} rows, more than the ${MAX_TABLE_ROWS} that can be expanded; ` +
        'aggregate or LIMIT in the step that produces it',
    );
  }
  return rows.map((_, index) => rowAt(ref, rows, index));
}

function isRowCountReference(ref: Reference, result: RowSet): boolean {
  const first = result.rows.length > 0 ? result.rows[0] : null;
  const columnExists = isJsonObject(first) && hasOwn(first, 'row_count');
  return ref.column === 'row_count' && hasOwn(result, 'row_count') && !columnExists;
}

function rowAt(ref: Reference, rows: Json[], index: number): JsonObject {
  const row = rows[index];
  if (!isJsonObject(row)) {
    throw new SubstitutionError(`$${ref.name} row ${index + 1} is ${kindOf(row)}, not a row object`);
  }
  return row;
}

function columnOf(ref: Reference, row: JsonObject): string {
  const columns = jsonKeys(row);
  if (ref.column === null) {
    if (columns.length === 0) throw new SubstitutionError(`$${ref.name} has no columns`);
    return columns[0];
  }
  if (!hasOwn(row, ref.column)) {
    throw new SubstitutionError(`$${ref.name} has no column "${ref.column}"; its columns are ${listNames(columns)}`);
  }
  return ref.column;
}

function fieldOf(ref: Reference, result: Json): Json {
  const field = ref.column as string;
  if (!isJsonObject(result)) {
    return absent(ref, `$${ref.name} has no field "${field}": it holds ${kindOf(result)}, not an object`);
  }
  if (!hasOwn(result, field)) {
    return absent(ref, `$${ref.name} has no field "${field}"; its fields are ${listNames(jsonKeys(result))}`);
  }
  return present(ref, result[field]);
}

function present(ref: Reference, value: Json): Json {
  return value === null ? absent(ref, `${describeReference(ref)} is NULL`) : value;
}

function absent(ref: Reference, problem: string): null {
  if (ref.nullSafe) return null;
  throw new SubstitutionError(`${problem} (write ${describeReference(ref)}? to substitute NULL instead)`);
}

function listNames(names: string[]): string {
  return names.length === 0 ? '(none)' : names.map((name) => `"${name}"`).join(', ');
}

function kindOf(value: Json): string {
  if (value === null) return 'NULL';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof JsonNumber) return 'a number';
  if (typeof value === 'object') return 'an object without "rows"';
  return `a ${typeof value}`;
}

// Fills a step's templates when the node runs (spec section 6). First {name} variables, inserted
// raw everywhere; then $name references to named results over that text. In SQL a reference is
// replaced only in code (never in literals, quoted identifiers, comments or dollar-quoted
// bodies) and always by an injection-safe literal; raw contexts (URL, body, headers, break
// value) get the value as text.

import { type Json, hasOwn, jsonKeys, stringifyLossless } from '../json/lossless.js';
import { SubstitutionError } from './errors.js';
import { STANDARD_STRINGS, type StringSettings, lexSql } from './lexer.js';
import { arrayLiteral, rawText, sqlLiteral, valuesTable } from './literal.js';
import { type Reference, describeReference, referencedRows, referencedValue, referencedValues } from './reference.js';

export { SubstitutionError };

export interface TemplateContext {
  vars: Record<string, string>; // the instance's captured variables
  instanceId: string; // {sys_instance_id}
  label: string | null; // {sys_label}; '' when null
  results: Record<string, Json>; // named results, parsed with parseLossless
}

type Mode = 'sql' | 'raw';

const VARIABLE = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
// Result names are identifiers. The maximal word after '$' is the candidate name, which gives
// longest-name-first with a word boundary: "$batchx" never means "$batch". High-bit characters
// count as word characters, as they do in PostgreSQL identifiers.
const WORD = /[A-Za-z_][A-Za-z0-9_\u0080-\uffff]*/y;
const IDENTIFIER_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const WHITESPACE = /\s/;

/** `strings` must be the settings of the session that runs the result (see lexer.ts). */
export function substituteSql(template: string, ctx: TemplateContext, strings: StringSettings = STANDARD_STRINGS): string {
  const text = substituteVariables(template, ctx);
  return lexSql(text, strings)
    .map((segment) => (segment.kind === 'code' ? substituteReferences(segment.text, ctx.results, 'sql') : segment.text))
    .join('');
}

export function substituteRaw(template: string, ctx: TemplateContext): string {
  return substituteReferences(substituteVariables(template, ctx), ctx.results, 'raw');
}

export function substituteVariables(template: string, ctx: TemplateContext): string {
  // String.replace with a function neither rescans nor interprets the inserted text.
  return template.replace(VARIABLE, (whole: string, name: string) => {
    if (name === 'sys_instance_id') return ctx.instanceId;
    if (name === 'sys_label') return ctx.label ?? '';
    return hasOwn(ctx.vars, name) ? ctx.vars[name] : whole;
  });
}

function substituteReferences(code: string, results: Record<string, Json>, mode: Mode): string {
  let out = '';
  let copied = 0;
  for (let i = code.indexOf('$'); i >= 0; i = code.indexOf('$', i + 1)) {
    const found = readReference(code, i, results, mode);
    if (found === null) continue;
    const result = results[found.ref.name];
    const text =
      mode === 'sql' ? renderSql(found.ref, result, isArrayArgument(code, i)) : renderRaw(found.ref, result);
    out += code.slice(copied, i) + text;
    copied = found.end;
    i = found.end - 1;
  }
  return out + code.slice(copied);
}

/** The reference starting at the '$' at index i, or null if it names no result. */
function readReference(
  code: string,
  i: number,
  results: Record<string, Json>,
  mode: Mode,
): { ref: Reference; end: number } | null {
  // In SQL, "a$b" is one identifier; its '$' starts nothing.
  if (mode === 'sql' && i > 0 && IDENTIFIER_PART.test(code[i - 1])) return null;
  const name = wordAt(code, i + 1);
  if (name === null || !hasOwn(results, name)) return null;
  let end = i + 1 + name.length;
  let column: string | null = null;
  let star = false;
  if (code[end] === '.' && code[end + 1] === '*') {
    star = true;
    end += 2;
  } else if (code[end] === '.') {
    column = wordAt(code, end + 1);
    if (column !== null) end += 1 + column.length;
  }
  const nullSafe = !star && code[end] === '?';
  if (nullSafe) end++;
  return { ref: { name, column, star, nullSafe }, end };
}

function wordAt(text: string, index: number): string | null {
  WORD.lastIndex = index;
  const match = WORD.exec(text);
  return match === null ? null : match[0];
}

/** Whether the '$' at index i is the argument of ANY ( / ALL ( / SOME (, case-insensitive. */
function isArrayArgument(code: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && WHITESPACE.test(code[j])) j--;
  if (code[j] !== '(') return false;
  j--;
  while (j >= 0 && WHITESPACE.test(code[j])) j--;
  const wordEnd = j + 1;
  while (j >= 0 && /[A-Za-z]/.test(code[j])) j--;
  if (j >= 0 && IDENTIFIER_PART.test(code[j])) return false; // e.g. "company(" or "x_any("
  const word = code.slice(j + 1, wordEnd).toUpperCase();
  return word === 'ANY' || word === 'ALL' || word === 'SOME';
}

function renderSql(ref: Reference, result: Json, arrayArgument: boolean): string {
  const text = sqlText(ref, result, arrayArgument);
  // A NUL would cut the statement short where plv8 hands it to PostgreSQL as a C string.
  if (text.includes('\u0000')) {
    const problem = 'contains a NUL character, which PostgreSQL text cannot hold';
    throw new SubstitutionError(`${describeReference(ref)} ${problem}`);
  }
  return text;
}

function sqlText(ref: Reference, result: Json, arrayArgument: boolean): string {
  if (ref.star) {
    const rows = referencedRows(ref, result);
    if (rows.length > 0 && jsonKeys(rows[0]).length === 0) {
      throw new SubstitutionError(`$${ref.name}.* has no columns to expand`);
    }
    return valuesTable(ref.name, rows);
  }
  if (arrayArgument) {
    const values = referencedValues(ref, result);
    return values === null ? 'NULL' : arrayLiteral(values);
  }
  const value = referencedValue(ref, result);
  return value === null ? 'NULL' : sqlLiteral(value);
}

function renderRaw(ref: Reference, result: Json): string {
  if (ref.star) return stringifyLossless(referencedRows(ref, result));
  return rawText(referencedValue(ref, result));
}

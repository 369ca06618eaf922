// The two ways df.explain turns DSL text down. A refusal is syntax it does not read at all
// (anything that could run or read something); an invalid expression is one PostgreSQL would
// reject too (a bad literal, a wrong argument type), so it needs no advice about the subset.

import { DfError, SQLSTATE } from '../../engine/errors.js';

const SUBSET = 'df.explain only reads literals, df.* builders and the workflow operators (it never runs them)';

export function refusal(reason: string): Error {
  return new DfError(SQLSTATE.invalidParameterValue, `Cannot explain input: ${reason}; ${SUBSET}`);
}

export function invalid(reason: string): Error {
  return new DfError(SQLSTATE.invalidParameterValue, `Cannot explain input: ${reason}`);
}

/** `position N` counted in characters from 1, as PostgreSQL's error positions are. */
export function positionAt(text: string, offset: number): string {
  let chars = 1;
  for (let i = 0; i < offset; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff) chars += 1; // the low half of a pair is no new character
  }
  return `position ${chars}`;
}

/** A token's source text, cut short and in double quotes unless it holds some itself (`"DF"`). */
export function quoteSource(source: string): string {
  const shown = source.length > 40 ? `${source.slice(0, 40)}…` : source;
  return source.includes('"') ? shown : `"${shown}"`;
}

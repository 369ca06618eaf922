// What an API call hands back to SQL. An exception that leaves a plv8 function becomes an
// ERROR whose CONTEXT quotes the JavaScript line it was thrown from (real plv8 and the
// compatible runtime alike), and its SQLSTATE is XX000 unless the exception says otherwise.
// So the API never throws: each call replies with its value or with the error, and the SQL
// wrapper of every df function (df._unwrap) returns the value or raises the error natively.
import { DfError, SQLSTATE, sqlState } from '../engine/errors.js';
import { GraphError } from '../graph/envelope.js';
import { CronError } from '../cron/parse.js';
import { JsonParseError } from '../json/lossless.js';
import { SubstitutionError } from '../template/errors.js';

/** `[value]`, or `[null, sqlstate, message, detail, hint]`: a text[] for df._unwrap. */
export type Reply = [string | null] | [null, string, string, string | null, string | null];

/** Errors about what the caller passed in: the workflow, a cron expression, JSON, a template. */
const INPUT_ERRORS = [GraphError, CronError, JsonParseError, SubstitutionError];

export function reply(call: () => string | null): Reply {
  try {
    return [call()];
  } catch (e) {
    return failure(e);
  }
}

function failure(e: unknown): Reply {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof DfError) return [null, e.sqlstate, message, null, e.hint];
  if (INPUT_ERRORS.some((kind) => e instanceof kind)) return [null, SQLSTATE.invalidParameterValue, message, null, null];
  // An error of a statement the call ran (a constraint, a permission, a cancel) keeps its own.
  const state = sqlState(e);
  if (state !== null) {
    const { detail, hint } = e as { detail?: unknown; hint?: unknown };
    return [null, state, message, textOrNull(detail), textOrNull(hint)];
  }
  return [null, SQLSTATE.internalError, message, null, null];
}

const textOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

// df.explain's reader for DSL text (spec section 12): the text PostgreSQL would compute for
// `SELECT (<text>)::text`, found without PostgreSQL evaluating anything. Monitoring must run
// no user text (spec section 13), so instead of handing the text to SQL this parses it with
// PostgreSQL's lexical and grammar rules, refuses everything but literals, df.* builders and
// the workflow operators, and calls the builders in src/graph/builders.ts directly.

import { invalid } from './errors.js';
import { invoke } from './functions.js';
import { Lexer } from './lexer.js';
import { parse, type Call, type Expr } from './parser.js';
import type { Scalar } from './scalars.js';

export interface DslOptions {
  /** The session's standard_conforming_strings: when off, '…' takes backslash escapes too. */
  standardConformingStrings: boolean;
}

export const MAX_INPUT_BYTES = 1024 * 1024;

// Each builder re-reads the envelopes it is given, so a short text can ask for a lot of work
// (`(big) |=> 'n' |=> 'n' …` re-reads `big` every time), and JavaScript running in plv8 cannot
// be cancelled: the text handed to builders is capped in total (about 2 s of work).
const MAX_BUILDER_INPUT_CHARS = 64 * 1024 * 1024;

/**
 * The envelope text the expression builds (or, for a bare literal, the literal's text, as SQL
 * would return it). Throws `Cannot explain input: …` for text it refuses or PostgreSQL would
 * reject, and a builder's own GraphError where the builder rejects its arguments.
 */
export function envelopeFromDsl(text: string, opts: DslOptions): string {
  if (text.length > MAX_INPUT_BYTES || utf8Length(text) > MAX_INPUT_BYTES) {
    throw invalid(`the input is longer than 1 MiB (${MAX_INPUT_BYTES} bytes)`);
  }
  const result = evaluate(parse(new Lexer(text, opts.standardConformingStrings)));
  if (result === null) throw invalid('the expression is NULL');
  return result;
}

/**
 * Arguments first, left to right, then the builder: the order PostgreSQL folds constant
 * calls in. Iterative, because a chain of 100,000 operators is a tree that deep.
 */
function evaluate(root: Expr): string | null {
  if (root.kind === 'constant') return root.value.text;
  const stack: Array<{ call: Call; values: Scalar[] }> = [{ call: root, values: [] }];
  let work = 0;
  for (;;) {
    const frame = stack[stack.length - 1];
    const { args } = frame.call;
    let arg = args[frame.values.length];
    while (arg?.kind === 'constant') {
      frame.values.push(arg.value);
      arg = args[frame.values.length];
    }
    if (arg !== undefined) {
      stack.push({ call: arg, values: [] });
      continue;
    }
    stack.pop();
    for (const value of frame.values) work += value.text?.length ?? 0;
    if (work > MAX_BUILDER_INPUT_CHARS) {
      throw invalid('building it would make the builders read more than 64 MiB of workflow text; '
        + 'evaluate it in SQL and explain the resulting envelope instead');
    }
    const result = invoke(frame.call.builder, frame.values);
    if (stack.length === 0) return result.text;
    stack[stack.length - 1].values.push(result);
  }
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    // A surrogate pair is one 4-byte character: 2 bytes for each half.
    bytes += unit < 0x80 ? 1 : unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 2 : 3;
  }
  return bytes;
}

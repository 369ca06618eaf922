// The df.* builders and workflow operators df.explain evaluates, each with the signature of
// its SQL declaration (extension/0400_functions_builders.sql, 0410_operators.sql) and the
// argument conversion plv8 applies, so that calling one here returns what SQL returns.

import * as builders from '../builders.js';
import { invalid } from './errors.js';
import type { Scalar, SqlType } from './scalars.js';

export type ParamType = Exclude<SqlType, 'unknown'>;

export interface Param {
  name: string;
  type: ParamType;
  /** The SQL DEFAULT; a parameter without one is required. */
  default?: Scalar;
}

/** An argument as plv8 hands it to JavaScript. */
type JsArg = string | number | null;

export interface Builder {
  /** `df.sleep` or `operator ~>`, for messages. */
  name: string;
  params: readonly Param[];
  /** STRICT: a NULL argument makes the result NULL without a call. */
  strict: boolean;
  run(args: readonly JsArg[]): string;
}

function param(name: string, type: ParamType = 'text', fallback?: string | null): Param {
  return fallback === undefined ? { name, type } : { name, type, default: { type, text: fallback } };
}

// Strict builders never see NULL, and every argument already has its parameter's type.
const str = (arg: JsArg): string => arg as string;
const num = (arg: JsArg): number => arg as number;
/** plv8 hands a jsonb argument over parsed. */
const json = (arg: JsArg): unknown => {
  if (arg === null) return null;
  try {
    return JSON.parse(arg as string) as unknown;
  } catch {
    throw new Error(`invalid input syntax for type json: ${JSON.stringify(arg)}`);
  }
};

const ab = [param('a'), param('b')];

const DF_FUNCTIONS: readonly Builder[] = [
  { name: 'df.sql', params: [param('query')], strict: true, run: ([q]) => builders.sql(str(q)) },
  { name: 'df.seq', params: ab, strict: true, run: ([a, b]) => builders.seq(str(a), str(b)) },
  { name: 'df.as', params: [param('fut'), param('name')], strict: true, run: ([f, n]) => builders.as(str(f), str(n)) },
  { name: 'df.join', params: ab, strict: true, run: ([a, b]) => builders.join(str(a), str(b)) },
  {
    name: 'df.join3', params: [...ab, param('c')], strict: true,
    run: ([a, b, c]) => builders.join3(str(a), str(b), str(c)),
  },
  { name: 'df.race', params: ab, strict: true, run: ([a, b]) => builders.race(str(a), str(b)) },
  {
    name: 'df.if', params: [param('cond'), param('then_branch'), param('else_branch')], strict: true,
    run: ([c, t, e]) => builders.ifElse(str(c), str(t), str(e)),
  },
  {
    name: 'df.if_rows', params: [param('result_name'), param('then_branch'), param('else_branch')], strict: true,
    run: ([r, t, e]) => builders.ifRows(str(r), str(t), str(e)),
  },
  {
    name: 'df.loop', params: [param('body'), param('condition', 'text', null)], strict: false,
    run: ([body, condition]) => {
      // In SQL the builder fails on it with a TypeError; say what is wrong instead.
      if (body === null) throw invalid('the body of df.loop is NULL');
      return builders.loop(body as string, condition as string | null);
    },
  },
  {
    name: 'df.map',
    params: [param('items'), param('body'), param('concurrency', 'integer', '8'), param('max_failures', 'integer', '0')],
    strict: false,
    run: ([i, b, c, m]) => builders.map(i as string | null, b as string | null, c as number | null, m as number | null),
  },
  { name: 'df.break', params: [param('value', 'text', null)], strict: false, run: ([v]) => builders.brk(v as string | null) },
  // plv8 passes int8 as a BigInt, which the SQL wrapper turns into its exact decimal text.
  { name: 'df.sleep', params: [param('seconds', 'bigint')], strict: true, run: ([s]) => builders.sleep(str(s)) },
  { name: 'df.wait_for_schedule', params: [param('cron')], strict: true, run: ([c]) => builders.waitForSchedule(str(c)) },
  {
    name: 'df.wait_for_signal', params: [param('name'), param('timeout_seconds', 'integer', null)], strict: false,
    run: ([n, t]) => builders.waitForSignal(n as string | null, t as number | null),
  },
  {
    name: 'df.retry',
    params: [
      param('fut'), param('max_attempts', 'integer'), param('delay_seconds', 'numeric', '1'),
      param('backoff', 'numeric', '2'), param('max_delay_seconds', 'numeric', '300'),
    ],
    strict: true,
    run: ([f, m, d, b, x]) => builders.retry(str(f), num(m), num(d), num(b), num(x)),
  },
  {
    name: 'df.http',
    params: [
      param('url'), param('method', 'text', 'POST'), param('body', 'text', null), param('headers', 'jsonb', null),
      param('timeout_seconds', 'integer', '30'),
    ],
    strict: false,
    run: ([u, m, b, h, t]) => builders.http(str(u), str(m), str(b), json(h), num(t)),
  },
  {
    name: 'df.http_multipart',
    params: [
      param('url'), param('method', 'text', 'POST'), param('parts', 'jsonb', null), param('headers', 'jsonb', null),
      param('timeout_seconds', 'integer', '30'),
    ],
    strict: false,
    run: ([u, m, p, h, t]) => builders.httpMultipart(str(u), str(m), json(p), json(h), num(t)),
  },
];

/** By the name after `df.`. */
export const FUNCTIONS: ReadonlyMap<string, Builder> = new Map(DF_FUNCTIONS.map((b) => [b.name.slice('df.'.length), b]));

function binary(op: string, run: (a: string, b: string) => string): [string, Builder] {
  return [op, { name: `operator ${op}`, params: [param('left operand'), param('right operand')], strict: true, run: ([a, b]) => run(str(a), str(b)) }];
}

export const BINARY_OPERATORS: ReadonlyMap<string, Builder> = new Map([
  binary('~>', builders.seq),
  binary('|=>', builders.as),
  binary('&', builders.join),
  binary('|', builders.race),
  binary('?>', builders.partialIf),
  binary('!>', builders.completeIf),
]);

/** Prefix `@>`: df._loop_forever, a loop without condition. */
export const LOOP_OPERATOR: Builder = {
  name: 'operator @>', params: [param('operand')], strict: true, run: ([body]) => builders.loop(str(body), null),
};

/** Calls the builder with arguments already coerced to its parameter types. */
export function invoke(builder: Builder, args: readonly Scalar[]): Scalar {
  if (builder.strict && args.some((a) => a.text === null)) return { type: 'text', text: null };
  return { type: 'text', text: builder.run(args.map(toJs)) };
}

/** plv8 passes int4 and numeric as Numbers (numeric rounded to a double), the rest as text. */
function toJs({ type, text }: Scalar): JsArg {
  return text !== null && (type === 'integer' || type === 'numeric') ? Number(text) : text;
}

/** `df.loop(body text, condition text DEFAULT NULL)`, for messages. */
export function signature(builder: Builder): string {
  const params = builder.params.map((p) => {
    const fallback = p.default === undefined ? '' : ` DEFAULT ${p.default.text === null ? 'NULL' : p.default.text}`;
    return `${p.name} ${p.type}${fallback}`;
  });
  return `${builder.name}(${params.join(', ')})`;
}

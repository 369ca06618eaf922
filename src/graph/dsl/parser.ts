// Parses DSL text as PostgreSQL's grammar (gram.y) does for the subset df.explain reads: the
// six binary workflow operators and prefix @> share one precedence level, left-associative;
// `::` binds tightest and a sign just below it. Calls are resolved as PostgreSQL resolves them
// against each builder's only declaration: named arguments, DEFAULTs and implicit coercion to
// the parameter types, with literals converted as PostgreSQL converts constants (while
// parsing). The whole text is checked before anything is evaluated.
//
// Open parentheses, calls and @> live on an explicit stack rather than the JavaScript one, so
// the nesting limit is a policy, not a guess at how much stack plv8 leaves.

import { invalid, positionAt, quoteSource, refusal } from './errors.js';
import { BINARY_OPERATORS, FUNCTIONS, LOOP_OPERATOR, signature, type Builder, type Param } from './functions.js';
import type { Lexer, Token, TokenKind } from './lexer.js';
import { cast, coerce, negate, numberLiteral, type CastTarget, type Scalar } from './scalars.js';

export interface Constant {
  kind: 'constant';
  value: Scalar;
  start: number;
}

export interface Call {
  kind: 'call';
  builder: Builder;
  /** One per parameter, DEFAULTs filled in, each of its parameter's type. */
  args: Expr[];
  start: number;
}

export type Expr = Constant | Call;

/** Parentheses, calls and prefix @> may nest this deep. */
export const MAX_NESTING = 1000;

const CAST_TARGETS: ReadonlyMap<string, CastTarget> = new Map([
  ['text', 'text'], ['int', 'integer'], ['integer', 'integer'], ['int4', 'integer'],
  ['bigint', 'bigint'], ['int8', 'bigint'], ['numeric', 'numeric'], ['decimal', 'numeric'],
]);

/** The operands so far, folded left, and the operator waiting for its right operand. */
interface Chain {
  left?: Expr;
  op?: Builder;
}

interface TopFrame { kind: 'top'; chain: Chain }
interface GroupFrame { kind: 'group'; open: Token; chain: Chain }
interface LoopFrame { kind: 'loop'; operator: Token }
interface CallFrame {
  kind: 'call';
  builder: Builder;
  start: number;
  open: Token;
  positional: Expr[];
  named: Map<string, Expr>;
  /** The `name =>` of the argument being read. */
  name: Token | undefined;
  chain: Chain;
}
type Frame = TopFrame | GroupFrame | LoopFrame | CallFrame;

export function parse(lexer: Lexer): Expr {
  return new Parser(lexer).parse();
}

class Parser {
  private readonly frames: Frame[] = [{ kind: 'top', chain: {} }];

  constructor(private readonly lexer: Lexer) {}

  parse(): Expr {
    for (;;) {
      const operand = this.operandOrOpen();
      const whole = operand === undefined ? undefined : this.reduce(operand);
      if (whole !== undefined) return whole;
    }
  }

  /** Reads an operand, or opens a group, call or @> whose operand comes next (undefined). */
  private operandOrOpen(): Expr | undefined {
    const t = this.lexer.next();
    if (t.kind === 'operator') {
      if (t.value === '-' || t.value === '+') return this.signedNumber(t);
      if (t.value !== '@>') throw refusal(`expected an operand, found ${this.describe(t)}`);
      this.push({ kind: 'loop', operator: t });
      return undefined;
    }
    if (t.kind === 'string') return { kind: 'constant', value: { type: 'unknown', text: t.value }, start: t.start };
    if (t.kind === 'number') return this.constant(t, t.start, () => numberLiteral(t.value));
    if (t.kind === 'identifier' && t.value === 'null') return { kind: 'constant', value: { type: 'unknown', text: null }, start: t.start };
    if (t.kind === 'identifier' || t.kind === 'quoted_identifier') return this.openCall(t);
    if (this.is(t, 'punctuation', '(')) {
      this.push({ kind: 'group', open: t, chain: {} });
      return undefined;
    }
    if (t.kind === 'end') throw refusal('the input ends where an operand should follow');
    throw refusal(`unexpected ${this.describe(t)}`);
  }

  /**
   * Hands a complete operand to the innermost open frame and reads what follows it: an
   * operator (another operand must follow: undefined), or the end of that frame, whose value
   * is then an operand of the frame around it. Returns the whole expression at the end.
   */
  private reduce(first: Expr): Expr | undefined {
    let operand = first;
    for (;;) {
      operand = this.casts(operand);
      let frame = this.frames[this.frames.length - 1];
      while (frame.kind === 'loop') { // @> takes the operand before any binary operator does
        this.pop();
        operand = this.apply(LOOP_OPERATOR, [operand], frame.operator.start);
        frame = this.frames[this.frames.length - 1];
      }
      const { chain } = frame;
      const left = chain.op === undefined ? operand : this.apply(chain.op, [chain.left as Expr, operand], (chain.left as Expr).start);
      chain.left = left;
      chain.op = undefined;
      const t = this.lexer.next();
      if (t.kind === 'operator') {
        chain.op = this.binaryOperator(t);
        return undefined;
      }
      if (frame.kind === 'top') {
        this.expectEnd(t);
        return left;
      }
      if (frame.kind === 'call') {
        if (frame.name === undefined) frame.positional.push(left);
        else frame.named.set(frame.name.value, left);
        if (this.is(t, 'punctuation', ',')) {
          this.startArgument(frame);
          return undefined;
        }
      }
      this.expectClose(frame.open, t);
      this.pop();
      operand = frame.kind === 'call' ? this.finishCall(frame) : left;
    }
  }

  private binaryOperator(t: Token): Builder {
    const builder = BINARY_OPERATORS.get(t.value);
    if (builder !== undefined) return builder;
    throw refusal(t.value === '@>'
      ? `${this.describe(t)} follows an operand, but @> is a prefix operator (@> body)`
      : `the operator ${this.describe(t)} is not a workflow operator (~> |=> & | ?> !> @>)`);
  }

  /** PostgreSQL folds a minus into the literal, unless a cast binds to the literal first. */
  private signedNumber(sign: Token): Expr {
    const t = this.lexer.next();
    if (t.kind !== 'number') throw refusal(`the sign ${this.describe(sign)} can only precede a number, not ${this.describe(t)}`);
    const negative = sign.value === '-';
    if (!negative || !this.is(this.lexer.peek(), 'punctuation', '::')) {
      return this.constant(t, sign.start, () => numberLiteral(negative ? `-${t.value}` : t.value));
    }
    const unsigned = this.casts(this.constant(t, t.start, () => numberLiteral(t.value))) as Constant;
    return this.constant(sign, sign.start, () => negate(unsigned.value));
  }

  private casts(expr: Expr): Expr {
    let result = expr;
    while (this.is(this.lexer.peek(), 'punctuation', '::')) {
      this.lexer.next();
      const t = this.lexer.next();
      const target = t.kind === 'identifier' ? CAST_TARGETS.get(t.value) : undefined;
      if (target === undefined) {
        throw refusal(`the cast to ${this.describe(t)} is not supported (only ::text, ::integer, ::bigint and ::numeric)`);
      }
      if (result.kind === 'call') {
        if (target !== 'text') throw invalid(`the workflow text of ${result.builder.name} cannot be cast to ${target} (${this.describe(t)})`);
      } else {
        const { value } = result;
        result = this.constant(t, result.start, () => cast(value, target));
      }
    }
    return result;
  }

  /** `df.name(`: anything else named here would be a column, keyword or other function. */
  private openCall(schema: Token): Call | undefined {
    if (schema.value !== 'df' || !this.is(this.lexer.peek(), 'punctuation', '.')) {
      throw refusal(this.is(this.lexer.peek(), 'punctuation', '(')
        ? `the function ${this.describe(schema)} is not a df.* builder`
        : `${this.describe(schema)} is not a literal, a df.* builder call or a workflow operator`);
    }
    this.lexer.next();
    const name = this.lexer.next();
    if (name.kind !== 'identifier' && name.kind !== 'quoted_identifier') throw refusal(`unexpected ${this.describe(name)} after "df."`);
    const open = this.lexer.next();
    const shown = (): string => `${quoteSource(this.lexer.text.slice(schema.start, name.end))} at ${this.at(schema.start)}`;
    if (!this.is(open, 'punctuation', '(')) throw refusal(`${shown()} is not followed by an argument list`);
    const builder = FUNCTIONS.get(name.value);
    if (builder === undefined) throw refusal(`${shown()} is not a workflow builder`);
    const frame: CallFrame = {
      kind: 'call', builder, start: schema.start, open, positional: [], named: new Map(), name: undefined, chain: {},
    };
    this.push(frame);
    if (!this.is(this.lexer.peek(), 'punctuation', ')')) {
      this.startArgument(frame);
      return undefined;
    }
    this.lexer.next();
    this.pop();
    return this.finishCall(frame);
  }

  /** Reads `name =>` (or the older `name :=`) when the next argument has one. */
  private startArgument(frame: CallFrame): void {
    frame.chain = {};
    const t = this.lexer.peek();
    const marker = this.lexer.peek(1);
    const isName = t.kind === 'identifier' || t.kind === 'quoted_identifier';
    if (isName && (this.is(marker, 'operator', '=>') || this.is(marker, 'punctuation', ':='))) {
      this.lexer.next();
      this.lexer.next();
      if (frame.named.has(t.value)) throw invalid(`the argument name ${this.describe(t)} is used more than once`);
      frame.name = t;
    } else if (frame.name !== undefined) {
      throw invalid(`the positional argument at ${this.at(t.start)} follows a named argument`);
    }
  }

  /** Matches arguments to parameters by position, then by name, then DEFAULT. */
  private finishCall(frame: CallFrame): Call {
    const { builder, positional, named } = frame;
    const { params } = builder;
    const where = (): string => this.at(frame.start);
    if (positional.length > params.length) {
      throw invalid(`${signature(builder)} takes at most ${params.length} arguments, got ${positional.length} at ${where()}`);
    }
    for (const name of named.keys()) {
      const index = params.findIndex((p) => p.name === name);
      if (index < 0) throw invalid(`${signature(builder)} has no parameter named ${quoteSource(name)} (at ${where()})`);
      if (index < positional.length) throw invalid(`argument ${name} of ${builder.name} is given twice at ${where()}`);
    }
    const args = params.map((p, i): Expr => {
      const arg = positional[i] ?? named.get(p.name);
      if (arg !== undefined) return arg;
      if (p.default === undefined) throw invalid(`${signature(builder)} is missing argument ${p.name} at ${where()}`);
      return { kind: 'constant', value: p.default, start: frame.start };
    });
    return this.apply(builder, args, frame.start);
  }

  /** Coerces each argument to its parameter's type, as PostgreSQL's function resolution does. */
  private apply(builder: Builder, args: Expr[], start: number): Call {
    return { kind: 'call', builder, args: args.map((arg, i) => this.coerceTo(builder, builder.params[i], arg)), start };
  }

  private coerceTo(builder: Builder, param: Param, arg: Expr): Expr {
    if (arg.kind === 'call' ? param.type === 'text' : arg.value.type === param.type) return arg;
    const value = arg.kind === 'constant' ? this.scalar(arg.start, () => coerce(arg.value, param.type)) : undefined;
    if (value === undefined) {
      const what = builder.name.startsWith('df.') ? `argument ${param.name}` : `the ${param.name}`;
      const got = arg.kind === 'call' ? `the workflow text of ${arg.builder.name}` : describeValue(arg.value);
      throw invalid(`${what} of ${builder.name} must be ${param.type}, got ${got} at ${this.at(arg.start)}`);
    }
    return { ...arg as Constant, value };
  }

  private constant(t: Token, start: number, make: () => Scalar): Constant {
    return { kind: 'constant', value: this.scalar(t.start, make), start };
  }

  /** Runs a conversion, adding the position to PostgreSQL's message when it fails. */
  private scalar<T>(offset: number, make: () => T): T {
    try {
      return make();
    } catch (e) {
      throw invalid(`${(e as Error).message} at ${this.at(offset)}`);
    }
  }

  private expectEnd(t: Token): void {
    if (t.kind === 'end') return;
    if (this.is(t, 'punctuation', ';')) throw refusal(`${this.describe(t)} ends the statement: only one expression can be explained`);
    if (this.is(t, 'punctuation', ')')) throw refusal(`${this.describe(t)} has no matching "("`);
    throw refusal(`unexpected ${this.describe(t)} after a complete expression`);
  }

  private expectClose(open: Token, t: Token): void {
    if (this.is(t, 'punctuation', ')')) return;
    if (t.kind === 'end') throw refusal(`the ${this.describe(open)} is never closed`);
    throw refusal(`expected ")" for the ${this.describe(open)}, found ${this.describe(t)}`);
  }

  private push(frame: Frame): void {
    this.frames.push(frame);
    if (this.frames.length - 1 > MAX_NESTING) {
      const token = frame.kind === 'loop' ? frame.operator : (frame as GroupFrame | CallFrame).open;
      throw invalid(`the expression nests deeper than ${MAX_NESTING} levels (parentheses, calls and @>) at ${this.at(token.start)}`);
    }
  }

  private pop(): void {
    this.frames.pop();
  }

  private is(t: Token, kind: TokenKind, value: string): boolean {
    return t.kind === kind && t.value === value;
  }

  private describe(t: Token): string {
    return this.lexer.describe(t);
  }

  private at(offset: number): string {
    return positionAt(this.lexer.text, offset);
  }
}

function describeValue({ type, text }: Scalar): string {
  if (text === null) return `${type} NULL`;
  return `${type} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

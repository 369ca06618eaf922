// The SQL values a DSL expression holds besides builder results, with PostgreSQL 15's rules:
// how a numeric literal is typed, the input functions (int4in, int8in, numeric_in), numeric
// display scale, and the casts between them. Values are kept as their text output form, so
// no precision is lost before the builder boundary (where plv8 converts them).
// Functions here throw plain errors with PostgreSQL's message; callers add the position.

/** `unknown` is a string literal or NULL before PostgreSQL picks its type from context. */
export type SqlType = 'unknown' | 'text' | 'integer' | 'bigint' | 'numeric' | 'jsonb';

export interface Scalar {
  type: SqlType;
  /** The value as `::text` would print it; null is SQL NULL. */
  text: string | null;
}

export type IntegerType = 'integer' | 'bigint';
export type CastTarget = 'text' | IntegerType | 'numeric';

// [largest positive, largest negative magnitude]
const INTEGER_LIMITS: Record<IntegerType, [string, string]> = {
  integer: ['2147483647', '2147483648'],
  bigint: ['9223372036854775807', '9223372036854775808'],
};
// numeric's limits: 131072 digits before the point, display scale 16383, |exponent| < INT_MAX/2.
const NUMERIC_MAX_EXPONENT = 1073741823;
const NUMERIC_MAX_INTEGER_DIGITS = 131072;
const NUMERIC_MAX_SCALE = 16383;
// isspace() in the C locale, which the input functions skip around a value.
const SPACE = '[ \\t\\n\\r\\v\\f]*';
const INTEGER_INPUT = new RegExp(`^${SPACE}([+-]?)([0-9]+)${SPACE}$`);
// numeric_in reads the exponent with strtol, which also skips spaces before it.
const NUMERIC_INPUT = new RegExp(`^${SPACE}([+-]?)([0-9]*)(?:\\.([0-9]*))?(?:[eE]${SPACE}([+-]?[0-9]+))?${SPACE}$`);
const NUMERIC_SPECIAL = new RegExp(`^${SPACE}(nan|[+-]?inf(?:inity)?)${SPACE}$`, 'i');

/** A numeric literal token, with a leading '-' when the minus was folded into it. */
export function numberLiteral(literal: string): Scalar {
  const m = /^(-?)([0-9]+)$/.exec(literal);
  if (m !== null) {
    const digits = stripZeros(m[2]);
    const negative = m[1] === '-' && digits !== '0';
    for (const type of ['integer', 'bigint'] as const) {
      if (fits(negative, digits, type)) return { type, text: (negative ? '-' : '') + digits };
    }
  }
  return { type: 'numeric', text: numericInput(literal) };
}

/** An explicit `::type` cast. */
export function cast(value: Scalar, target: CastTarget): Scalar {
  const { text } = value;
  if (text === null || target === 'text') return { type: target, text };
  const fromText = value.type === 'unknown' || value.type === 'text';
  if (target === 'numeric') return { type: target, text: fromText ? numericInput(text) : text };
  if (fromText) return { type: target, text: integerInput(text, target) };
  return { type: target, text: value.type === 'numeric' ? roundNumeric(text, target) : checkRange(text, target) };
}

/**
 * The implicit coercion a function argument gets, or undefined where PostgreSQL would find no
 * matching function: a literal takes any type, integer widens to bigint and numeric.
 */
export function coerce(value: Scalar, target: Exclude<SqlType, 'unknown'>): Scalar | undefined {
  if (value.type === target) return value;
  if (value.type === 'unknown') return target === 'jsonb' ? { type: target, text: value.text } : cast(value, target);
  const widens = value.type === 'integer' ? target === 'bigint' || target === 'numeric' : value.type === 'bigint' && target === 'numeric';
  return widens ? { type: target, text: value.text } : undefined;
}

/** Unary minus; only numbers have it. */
export function negate(value: Scalar): Scalar {
  const { type, text } = value;
  if (type !== 'integer' && type !== 'bigint' && type !== 'numeric') throw new Error(`operator does not exist: - ${type}`);
  // The operand is an unsigned literal cast to a number, so no integer minimum can overflow.
  if (text === null || text === 'NaN' || !/[1-9]|Infinity/.test(text)) return value;
  return { type, text: text.startsWith('-') ? text.slice(1) : `-${text}` };
}

function integerInput(input: string, type: IntegerType): string {
  const m = INTEGER_INPUT.exec(input);
  if (m === null) throw new Error(`invalid input syntax for type ${type}: "${input}"`);
  const digits = stripZeros(m[2]);
  const negative = m[1] === '-' && digits !== '0';
  if (!fits(negative, digits, type)) throw new Error(`value "${input}" is out of range for type ${type}`);
  return (negative ? '-' : '') + digits;
}

/** numeric_in: the value printed with the input's display scale (1.50 stays 1.50, 1e3 is 1000). */
function numericInput(input: string): string {
  const special = NUMERIC_SPECIAL.exec(input);
  if (special !== null) {
    const word = special[1].toLowerCase();
    return word === 'nan' ? 'NaN' : word.startsWith('-') ? '-Infinity' : 'Infinity';
  }
  const m = NUMERIC_INPUT.exec(input);
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`invalid input syntax for type numeric: "${input}"`);
  const fraction = m[3] ?? '';
  const exponent = Number(m[4] ?? '0');
  let digits = stripZeros(m[2] + fraction).replace(/^0$/, '');
  let scale = fraction.length - exponent;
  const tooLong = digits !== '' && digits.length - scale > NUMERIC_MAX_INTEGER_DIGITS;
  if (!(Math.abs(exponent) < NUMERIC_MAX_EXPONENT) || scale > NUMERIC_MAX_SCALE || tooLong) {
    throw new Error('value overflows numeric format');
  }
  if (scale < 0) {
    if (digits !== '') digits += '0'.repeat(-scale);
    scale = 0;
  }
  const padded = digits.padStart(scale + 1, '0');
  const printed = scale === 0 ? padded : `${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
  return m[1] === '-' && digits !== '' ? `-${printed}` : printed;
}

/** numeric to integer rounds half away from zero. */
function roundNumeric(text: string, type: IntegerType): string {
  if (text === 'NaN') throw new Error(`cannot convert NaN to ${type}`);
  if (text.endsWith('Infinity')) throw new Error(`cannot convert infinity to ${type}`);
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(text) as RegExpExecArray;
  const digits = (m[3] ?? '0')[0] >= '5' ? increment(m[2]) : stripZeros(m[2]);
  return checkRange((m[1] === '-' && digits !== '0' ? '-' : '') + digits, type);
}

function checkRange(text: string, type: IntegerType): string {
  const negative = text.startsWith('-');
  if (!fits(negative, negative ? text.slice(1) : text, type)) throw new Error(`${type} out of range`);
  return text;
}

/** Whether the magnitude `digits` (no leading zeros) fits the type with the given sign. */
function fits(negative: boolean, digits: string, type: IntegerType): boolean {
  const limit = INTEGER_LIMITS[type][negative ? 1 : 0];
  return digits.length < limit.length || (digits.length === limit.length && digits <= limit);
}

function stripZeros(digits: string): string {
  return digits.replace(/^0+(?=[0-9])/, '');
}

function increment(digits: string): string {
  const stripped = stripZeros(digits);
  let i = stripped.length - 1;
  while (i >= 0 && stripped[i] === '9') i -= 1;
  if (i < 0) return `1${'0'.repeat(stripped.length)}`;
  return stripped.slice(0, i) + String(Number(stripped[i]) + 1) + '0'.repeat(stripped.length - i - 1);
}

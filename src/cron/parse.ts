// Parses standard 5-field cron expressions (minute hour day-of-month month day-of-week).

/** A parsed cron expression. Plain data (JSON-serialisable); every value list is sorted ascending. */
export interface CronSchedule {
  readonly source: string;
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: readonly number[];
  /** 1 = January. */
  readonly months: readonly number[];
  /** 0 = Sunday; a 7 in the expression is stored as 0. */
  readonly daysOfWeek: readonly number[];
  /**
   * Vixie cron: a day field that does not start with `*` is "restricted". When both day
   * fields are restricted a day matches if EITHER matches, otherwise both must.
   */
  readonly dayOfMonthRestricted: boolean;
  readonly dayOfWeekRestricted: boolean;
}

export class CronError extends Error {
  constructor(expr: string, detail: string) {
    super(`Invalid cron expression '${expr}': ${detail}`);
  }
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names accepted instead of numbers; names[i] means min + i. */
  readonly names?: readonly string[];
  readonly nameKind?: string;
}

const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldSpec = {
  name: 'month',
  min: 1,
  max: 12,
  names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  nameKind: 'month name',
};
// 0-7 so that both 0 and 7 mean Sunday (7 is folded to 0 when expanding).
const DAY_OF_WEEK: FieldSpec = {
  name: 'day-of-week',
  min: 0,
  max: 7,
  names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
  nameKind: 'day name',
};

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const DIGITS = /^\d+$/;

// Listing every value of every field takes under 400 characters, so anything longer is a
// mistake (and would be echoed in full by every error message).
const MAX_CRON_LENGTH = 1000;

/** The most days each month can have (February 29, in leap years). */
const MONTH_LENGTHS: ReadonlyArray<readonly [string, number]> = [
  ['January', 31], ['February', 29], ['March', 31], ['April', 30], ['May', 31], ['June', 30],
  ['July', 31], ['August', 31], ['September', 30], ['October', 31], ['November', 30], ['December', 31],
];

export function parseCron(expr: string): CronSchedule {
  const fail = (detail: string): never => {
    throw new CronError(expr, detail);
  };
  if (expr.length > MAX_CRON_LENGTH) {
    throw new CronError(`${expr.slice(0, 40)}…`, `it is ${expr.length} characters long, more than the limit of ${MAX_CRON_LENGTH}`);
  }
  const text = expr.trim();
  if (text === '') fail('expression is empty');

  const expanded = text.startsWith('@') ? expandMacro(text, fail) : text;
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5) {
    fail(`expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`);
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];

  const schedule: CronSchedule = {
    source: expr,
    minutes: parseField(minute, MINUTE, fail),
    hours: parseField(hour, HOUR, fail),
    daysOfMonth: parseField(dayOfMonth, DAY_OF_MONTH, fail),
    months: parseField(month, MONTH, fail),
    daysOfWeek: parseField(dayOfWeek, DAY_OF_WEEK, fail),
    dayOfMonthRestricted: !dayOfMonth.startsWith('*'),
    dayOfWeekRestricted: !dayOfWeek.startsWith('*'),
  };
  checkSomeDayExists(schedule, fail);
  return schedule;
}

/**
 * Rejects a schedule that never ticks, such as `0 0 30 2 *`, when the workflow is built rather
 * than when the node starts. Within the 400-year Gregorian cycle every day a month can have
 * falls on every weekday, so a schedule is impossible exactly when none of its days of month
 * exists in any of its months and the day-of-week field cannot match instead (it can only
 * when both day fields are restricted, see dayOfMonthRestricted).
 */
function checkSomeDayExists(schedule: CronSchedule, fail: (detail: string) => never): void {
  if (schedule.dayOfMonthRestricted && schedule.dayOfWeekRestricted) return;
  const months = schedule.months.map((m) => MONTH_LENGTHS[m - 1]);
  const firstDay = schedule.daysOfMonth[0]; // the list is sorted and never empty
  if (months.some(([, length]) => firstDay <= length)) return;
  const names = spell(months.map(([name]) => name), 'and');
  fail(`the schedule never matches any date (${names} ${months.length === 1 ? 'has' : 'have'} no day ${spell(schedule.daysOfMonth.map(String), 'or')})`);
}

/** `a`, `a or b`, `a, b or c`. */
function spell(items: readonly string[], conjunction: string): string {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

function expandMacro(text: string, fail: (detail: string) => never): string {
  const fields = MACROS[text.toLowerCase()];
  if (fields !== undefined) return fields;
  return fail(`unsupported macro '${text}' (use ${Object.keys(MACROS).join(', ')})`);
}

/** Expands one field into its sorted values, folding day-of-week 7 into Sunday (0). */
function parseField(text: string, spec: FieldSpec, fail: (detail: string) => never): number[] {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') fail(`${spec.name} field '${text}' has an empty list item`);
    const [lo, hi, step] = parseItem(item, spec, fail);
    for (let v = lo; v <= hi; v += step) values.add(spec === DAY_OF_WEEK && v === 7 ? 0 : v);
  }
  return [...values].sort((a, b) => a - b);
}

/** One list item: `*`, `a`, `a-b`, each optionally followed by `/step`. Returns [low, high, step]. */
function parseItem(item: string, spec: FieldSpec, fail: (detail: string) => never): [number, number, number] {
  const parts = item.split('/');
  if (parts.length > 2) fail(`${spec.name} item '${item}' has more than one '/'`);
  const [base, stepText] = parts as [string, string | undefined];
  const step = stepText === undefined ? 1 : parseStep(stepText, spec, fail);

  if (base === '*') return [spec.min, spec.max, step];

  const bounds = base.split('-');
  if (bounds.length === 1) {
    const value = parseValue(base, spec, fail);
    // `5/15` means "from 5 every 15"; a bare value is just itself.
    return [value, stepText === undefined ? value : spec.max, step];
  }
  if (bounds.length !== 2 || bounds[0] === '' || bounds[1] === '') {
    fail(`${spec.name} range '${base}' is malformed`);
  }
  const [lo, hi] = bounds as [string, string];
  const low = parseValue(lo, spec, fail);
  const high = parseValue(hi, spec, fail);
  if (low > high) fail(`${spec.name} range ${base} is reversed`);
  return [low, high, step];
}

function parseStep(text: string, spec: FieldSpec, fail: (detail: string) => never): number {
  if (!DIGITS.test(text)) fail(`${spec.name} step '${text}' is not a number`);
  const step = Number(text);
  if (step === 0) fail(`${spec.name} step 0 is not allowed (must be at least 1)`);
  return step;
}

function parseValue(text: string, spec: FieldSpec, fail: (detail: string) => never): number {
  if (DIGITS.test(text)) {
    const value = Number(text);
    if (value < spec.min || value > spec.max) {
      fail(`${spec.name} value ${text} out of range ${spec.min}-${spec.max}`);
    }
    return value;
  }
  const nameIndex = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (nameIndex >= 0) return spec.min + nameIndex;
  const expected = spec.nameKind === undefined ? 'a number' : `a number or ${spec.nameKind}`;
  return fail(`${spec.name} value '${text}' is not ${expected}`);
}

import { describe, expect, it } from 'vitest';
import { nextCronTime } from '../../../src/cron/next.js';
import { CronError, parseCron, type CronSchedule } from '../../../src/cron/parse.js';

function errorFrom(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

describe('parseCron rejects invalid expressions', () => {
  it.each([
    ['', 'expression is empty'],
    ['   ', 'expression is empty'],
    ['* * * *', 'expected 5 fields (minute hour day-of-month month day-of-week), got 4'],
    ['* * * * * *', 'expected 5 fields (minute hour day-of-month month day-of-week), got 6'],
    ['every day', 'expected 5 fields (minute hour day-of-month month day-of-week), got 2'],
    ['61 * * * *', 'minute value 61 out of range 0-59'],
    ['* 24 * * *', 'hour value 24 out of range 0-23'],
    ['* * 0 * *', 'day-of-month value 0 out of range 1-31'],
    ['* * 32 * *', 'day-of-month value 32 out of range 1-31'],
    ['* * * 13 *', 'month value 13 out of range 1-12'],
    ['* * * 0 *', 'month value 0 out of range 1-12'],
    ['* * * * 8', 'day-of-week value 8 out of range 0-7'],
    ['0-60 * * * *', 'minute value 60 out of range 0-59'],
    ['x * * * *', "minute value 'x' is not a number"],
    ['* JAN * * *', "hour value 'JAN' is not a number"],
    ['* * * FOO *', "month value 'FOO' is not a number or month name"],
    ['* * * * MONDAY', "day-of-week value 'MONDAY' is not a number or day name"],
    ['* * * * -1', "day-of-week range '-1' is malformed"],
    ['1-2-3 * * * *', "minute range '1-2-3' is malformed"],
    ['5- * * * *', "minute range '5-' is malformed"],
    ['30-10 * * * *', 'minute range 30-10 is reversed'],
    ['* * * DEC-JAN *', 'month range DEC-JAN is reversed'],
    ['* * * * FRI-SUN', 'day-of-week range FRI-SUN is reversed'],
    ['*/0 * * * *', 'minute step 0 is not allowed (must be at least 1)'],
    ['* 1-5/0 * * *', 'hour step 0 is not allowed (must be at least 1)'],
    ['*/ * * * *', "minute step '' is not a number"],
    ['*/x * * * *', "minute step 'x' is not a number"],
    ['*/2/3 * * * *', "minute item '*/2/3' has more than one '/'"],
    ['1,,2 * * * *', "minute field '1,,2' has an empty list item"],
    ['* * 1, * *', "day-of-month field '1,' has an empty list item"],
    ['@reboot', 'unsupported macro \'@reboot\' (use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)'],
    ['@daily 5', 'unsupported macro \'@daily 5\' (use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)'],
  ])("rejects '%s' with: %s", (expr, detail) => {
    const error = errorFrom(() => parseCron(expr));
    expect(error).toBeInstanceOf(CronError);
    expect((error as CronError).message).toBe(`Invalid cron expression '${expr}': ${detail}`);
  });

  it.each([
    ['0 0 30 2 *', 'February has no day 30'],
    ['0 0 30,31 feb *', 'February has no day 30 or 31'],
    ['0 0 31 4,6,9,11 *', 'April, June, September and November have no day 31'],
    ['0 0 31 2 */7', 'February has no day 31'],
    ['0 0 31 APR-JUN/2 *', 'April and June have no day 31'],
  ])("rejects '%s', which never ticks, when it is parsed (%s)", (expr, why) => {
    const error = errorFrom(() => parseCron(expr));
    expect(error).toBeInstanceOf(CronError);
    expect(error).toMatchObject({ message: `Invalid cron expression '${expr}': the schedule never matches any date (${why})` });
  });

  it('accepts at most 1,000 characters and quotes only the start of a longer expression', () => {
    const minutes = `00${',0'.repeat(495)}`; // 992 characters
    expect(parseCron(`${minutes} * * * *`).minutes).toEqual([0]);
    const tooLong = `0${minutes} * * * *`;
    expect(tooLong.length).toBe(1001);
    expect(errorFrom(() => parseCron(tooLong))).toMatchObject({
      message: `Invalid cron expression '${tooLong.slice(0, 40)}…': it is 1001 characters long, more than the limit of 1000`,
    });
  });

  it('keeps Error\'s own name, so plv8 reports the message without a class prefix', () => {
    const error = errorFrom(() => parseCron('61 * * * *'));
    expect(error).toBeInstanceOf(CronError);
    expect(String(error)).toBe(`Error: ${(error as Error).message}`);
  });
});

describe('parseCron refuses exactly the schedules that never tick', () => {
  const dayLists = [[1], [29], [30], [31], [30, 31]];
  const monthLists = [[1], [2], [4], [2, 4], [4, 6, 9, 11], [1, 2]];
  // A day-of-week field starting with '*' is not restricted, so both day fields must match.
  const weekdays: Array<[string, number[], boolean]> = [['*', [0, 1, 2, 3, 4, 5, 6], false], ['*/7', [0], false], ['1', [1], true]];

  it.each(dayLists.flatMap((days) => monthLists.flatMap((months) => weekdays.map((w) => [days, months, w] as const))))(
    'days %j, months %j, weekdays %j',
    (days, months, [weekdayText, daysOfWeek, restricted]) => {
      const expr = `0 0 ${days.join(',')} ${months.join(',')} ${weekdayText}`;
      const schedule: CronSchedule = {
        source: expr, minutes: [0], hours: [0], daysOfMonth: days, months, daysOfWeek,
        dayOfMonthRestricted: true, dayOfWeekRestricted: restricted,
      };
      const ticks = (() => {
        try {
          nextCronTime(schedule, new Date('2026-03-10T00:00:00Z'));
          return true;
        } catch {
          return false;
        }
      })();
      if (ticks) expect(parseCron(expr)).toEqual(schedule);
      else expect(() => parseCron(expr)).toThrowError(/the schedule never matches any date/);
    },
  );
});

import { describe, expect, it } from 'vitest';
import { nextCronTime } from '../../../src/cron/next.js';
import { CronError, parseCron, type CronSchedule } from '../../../src/cron/parse.js';

/** The next tick of `expr` after the ISO instant `after`, as an ISO string. */
function next(expr: string, after: string): string {
  return nextCronTime(parseCron(expr), new Date(after)).toISOString();
}

// 2026-03-10 is a Tuesday.
describe('nextCronTime', () => {
  it('ticks every minute for * * * * *', () => {
    expect(next('* * * * *', '2026-03-10T12:34:00Z')).toBe('2026-03-10T12:35:00.000Z');
  });

  it('returns the next tick, not the given one, when the time lies exactly on a tick', () => {
    expect(next('0 * * * *', '2026-03-10T12:00:00Z')).toBe('2026-03-10T13:00:00.000Z');
    expect(next('0 0 1 1 *', '2027-01-01T00:00:00Z')).toBe('2028-01-01T00:00:00.000Z');
  });

  it('ignores the seconds and milliseconds of the given time', () => {
    expect(next('* * * * *', '2026-03-10T12:34:59.999Z')).toBe('2026-03-10T12:35:00.000Z');
    expect(next('0 * * * *', '2026-03-10T12:00:30Z')).toBe('2026-03-10T13:00:00.000Z');
  });

  it('follows */n steps into the next hour', () => {
    expect(next('*/15 * * * *', '2026-03-10T12:31:00Z')).toBe('2026-03-10T12:45:00.000Z');
    expect(next('*/15 * * * *', '2026-03-10T12:50:00Z')).toBe('2026-03-10T13:00:00.000Z');
  });

  it('follows a/n steps that start at a', () => {
    expect(next('5/20 * * * *', '2026-03-10T12:26:00Z')).toBe('2026-03-10T12:45:00.000Z');
    expect(next('5/20 * * * *', '2026-03-10T12:46:00Z')).toBe('2026-03-10T13:05:00.000Z');
  });

  it('follows a-b/n steps', () => {
    expect(next('0 1-10/3 * * *', '2026-03-10T04:00:00Z')).toBe('2026-03-10T07:00:00.000Z');
    expect(next('0 1-10/3 * * *', '2026-03-10T10:00:00Z')).toBe('2026-03-11T01:00:00.000Z');
  });

  it('picks the next entry of a list and wraps to the next day', () => {
    expect(next('0 9,17 * * *', '2026-03-10T09:00:00Z')).toBe('2026-03-10T17:00:00.000Z');
    expect(next('0 9,17 * * *', '2026-03-10T17:30:00Z')).toBe('2026-03-11T09:00:00.000Z');
  });

  it('stays inside a range and wraps to its start', () => {
    expect(next('30 9-11 * * *', '2026-03-10T08:00:00Z')).toBe('2026-03-10T09:30:00.000Z');
    expect(next('30 9-11 * * *', '2026-03-10T11:45:00Z')).toBe('2026-03-11T09:30:00.000Z');
  });

  it('starts at the first minute of a later matching hour', () => {
    expect(next('15,45 14 * * *', '2026-03-10T12:50:00Z')).toBe('2026-03-10T14:15:00.000Z');
    expect(next('10 * * * *', '2026-03-10T12:30:00Z')).toBe('2026-03-10T13:10:00.000Z');
  });

  it('understands month and day names', () => {
    expect(next('0 8 * jun sun,SAT', '2026-03-10T00:00:00Z')).toBe('2026-06-06T08:00:00.000Z');
    expect(next('0 8 * * MON-FRI', '2026-03-14T00:00:00Z')).toBe('2026-03-16T08:00:00.000Z');
  });

  it('treats day-of-week 0, 7 and SUN all as Sunday', () => {
    for (const sunday of ['0', '7', 'SUN']) {
      expect(next(`0 0 * * ${sunday}`, '2026-03-10T00:00:00Z')).toBe('2026-03-15T00:00:00.000Z');
    }
  });

  it('includes Sunday in the day-of-week range 5-7', () => {
    expect(next('0 0 * * 5-7', '2026-03-10T00:00:00Z')).toBe('2026-03-13T00:00:00.000Z');
    expect(next('0 0 * * 5-7', '2026-03-14T12:00:00Z')).toBe('2026-03-15T00:00:00.000Z');
    expect(next('0 0 * * 5-7', '2026-03-15T12:00:00Z')).toBe('2026-03-20T00:00:00.000Z');
  });

  it('matches a day when either day-of-month or day-of-week matches if both are restricted', () => {
    expect(next('0 0 1 * MON', '2026-03-10T00:00:00Z')).toBe('2026-03-16T00:00:00.000Z');
    expect(next('0 0 1 * MON', '2026-03-31T00:00:00Z')).toBe('2026-04-01T00:00:00.000Z');
  });

  it('requires both day fields to match when day-of-week is *', () => {
    expect(next('0 0 1 * *', '2026-03-10T00:00:00Z')).toBe('2026-04-01T00:00:00.000Z');
  });

  it('requires both day fields to match when day-of-month starts with *, as Vixie cron does', () => {
    // Odd days that are Mondays: the 16th is even, the 23rd is odd.
    expect(next('0 0 */2 * MON', '2026-03-10T00:00:00Z')).toBe('2026-03-23T00:00:00.000Z');
  });

  it('rolls over to the next month and skips months that lack the day', () => {
    expect(next('0 0 1 * *', '2026-03-31T23:59:00Z')).toBe('2026-04-01T00:00:00.000Z');
    expect(next('0 0 31 * *', '2026-04-01T00:00:00Z')).toBe('2026-05-31T00:00:00.000Z');
  });

  it('rolls over to the next year', () => {
    expect(next('* * * * *', '2026-12-31T23:59:30Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('0 0 1 1 *', '2026-03-10T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('59 23 31 12 *', '2026-12-31T23:59:00Z')).toBe('2027-12-31T23:59:00.000Z');
  });

  it('finds the next leap day, skipping century years that are not leap years', () => {
    expect(next('0 0 29 2 *', '2026-01-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    expect(next('0 0 29 2 *', '2096-03-01T00:00:00Z')).toBe('2104-02-29T00:00:00.000Z');
  });

  it('finds ticks many years ahead, such as a leap day that falls on a Sunday', () => {
    expect(next('0 0 29 2 */7', '2026-01-01T00:00:00Z')).toBe('2032-02-29T00:00:00.000Z');
    expect(next('0 0 29 2 */7', '2032-03-01T00:00:00Z')).toBe('2060-02-29T00:00:00.000Z');
  });

  it('expands macros before searching', () => {
    expect(next('@weekly', '2026-03-10T00:00:00Z')).toBe('2026-03-15T00:00:00.000Z');
    expect(next('@hourly', '2026-03-10T00:00:00Z')).toBe('2026-03-10T01:00:00.000Z');
  });

  it('ends its search after 400 years with a clear error for a schedule that never ticks', () => {
    // parseCron refuses such a schedule, so build it by hand: February the 30th.
    const schedule: CronSchedule = {
      source: '0 0 30 2 *', minutes: [0], hours: [0], daysOfMonth: [30], months: [2], daysOfWeek: [0, 1, 2, 3, 4, 5, 6],
      dayOfMonthRestricted: true, dayOfWeekRestricted: false,
    };
    expect(() => nextCronTime(schedule, new Date('2026-03-10T00:00:00Z'))).toThrowError(CronError);
    expect(() => nextCronTime(schedule, new Date('2026-03-10T00:00:00Z'))).toThrowError(
      "Invalid cron expression '0 0 30 2 *': the schedule never matches any date",
    );
  });

  it('rejects an invalid date', () => {
    expect(() => nextCronTime(parseCron('* * * * *'), new Date('garbage'))).toThrowError(
      new RangeError('nextCronTime: invalid date'),
    );
  });
});

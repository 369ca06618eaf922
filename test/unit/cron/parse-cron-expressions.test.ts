import { describe, expect, it } from 'vitest';
import { parseCron } from '../../../src/cron/parse.js';

const range = (from: number, to: number, step = 1): number[] => {
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
};

describe('parseCron', () => {
  it('expands * to every value of each field', () => {
    expect(parseCron('* * * * *')).toEqual({
      source: '* * * * *',
      minutes: range(0, 59),
      hours: range(0, 23),
      daysOfMonth: range(1, 31),
      months: range(1, 12),
      daysOfWeek: range(0, 6),
      dayOfMonthRestricted: false,
      dayOfWeekRestricted: false,
    });
  });

  it('reads single values, lists and ranges', () => {
    const schedule = parseCron('5 1,3,2 10-12 1-3,6 1');
    expect(schedule.minutes).toEqual([5]);
    expect(schedule.hours).toEqual([1, 2, 3]);
    expect(schedule.daysOfMonth).toEqual([10, 11, 12]);
    expect(schedule.months).toEqual([1, 2, 3, 6]);
    expect(schedule.daysOfWeek).toEqual([1]);
  });

  it('reads */n, a-b/n and a/n steps, where a/n runs from a to the field maximum', () => {
    const schedule = parseCron('*/15 1-10/3 5/10 */5 *');
    expect(schedule.minutes).toEqual([0, 15, 30, 45]);
    expect(schedule.hours).toEqual([1, 4, 7, 10]);
    expect(schedule.daysOfMonth).toEqual([5, 15, 25]);
    expect(schedule.months).toEqual([1, 6, 11]);
  });

  it('accepts a step larger than the field range as just the first value', () => {
    expect(parseCron('*/90 * * * *').minutes).toEqual([0]);
  });

  it('merges overlapping list items without duplicates', () => {
    expect(parseCron('0-10/5,5,10-12 * * * *').minutes).toEqual([0, 5, 10, 11, 12]);
  });

  it('reads month and day names case-insensitively, also in ranges and with steps', () => {
    const schedule = parseCron('0 0 * jan,Mar-MAY,oct-dec/2 MON-fri');
    expect(schedule.months).toEqual([1, 3, 4, 5, 10, 12]);
    expect(schedule.daysOfWeek).toEqual([1, 2, 3, 4, 5]);
    expect(parseCron('0 0 * * SUN,sat').daysOfWeek).toEqual([0, 6]);
  });

  it('treats day-of-week 0 and 7 both as Sunday', () => {
    expect(parseCron('0 0 * * 0').daysOfWeek).toEqual([0]);
    expect(parseCron('0 0 * * 7').daysOfWeek).toEqual([0]);
    expect(parseCron('0 0 * * 0,7').daysOfWeek).toEqual([0]);
  });

  it('folds 7 at the end of a day-of-week range into Sunday', () => {
    expect(parseCron('0 0 * * 5-7').daysOfWeek).toEqual([0, 5, 6]);
    expect(parseCron('0 0 * * */7').daysOfWeek).toEqual([0]);
  });

  it('marks a day field restricted unless it starts with *, as Vixie cron does', () => {
    expect(parseCron('0 0 1 * MON')).toMatchObject({ dayOfMonthRestricted: true, dayOfWeekRestricted: true });
    expect(parseCron('0 0 */2 * 1-5')).toMatchObject({ dayOfMonthRestricted: false, dayOfWeekRestricted: true });
    expect(parseCron('0 0 1-31 * *')).toMatchObject({ dayOfMonthRestricted: true, dayOfWeekRestricted: false });
  });

  it('ignores surrounding and repeated whitespace, including tabs', () => {
    expect(parseCron('  0\t12   *  * *  ')).toMatchObject({ minutes: [0], hours: [12] });
  });

  it('keeps the original text as the source', () => {
    expect(parseCron('@daily').source).toBe('@daily');
  });

  it.each([
    ['@yearly', '0 0 1 1 *'],
    ['@annually', '0 0 1 1 *'],
    ['@monthly', '0 0 1 * *'],
    ['@weekly', '0 0 * * 0'],
    ['@daily', '0 0 * * *'],
    ['@midnight', '0 0 * * *'],
    ['@hourly', '0 * * * *'],
    ['@Daily', '0 0 * * *'],
  ])('expands the macro %s like %s', (macro, fields) => {
    expect({ ...parseCron(macro), source: '' }).toEqual({ ...parseCron(fields), source: '' });
  });
});

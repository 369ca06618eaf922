// Finds the next cron tick, in UTC, by skipping whole months, days and hours that cannot match.

import { CronError, type CronSchedule } from './parse.js';

// The Gregorian calendar (leap years and weekdays) repeats every 400 years, so a schedule
// with no tick in that window never ticks. parseCron already rejects such schedules; this
// bound is what guarantees the search ends whatever schedule it is given, and skipping whole
// months, days and hours keeps even a search of the whole window cheap.
const SEARCH_YEARS = 400;

const MINUTE_MS = 60_000;

/** The first tick strictly after `after` (seconds and milliseconds of `after` are ignored). */
export function nextCronTime(schedule: CronSchedule, after: Date): Date {
  const afterMs = after.getTime();
  if (Number.isNaN(afterMs)) throw new RangeError('nextCronTime: invalid date');
  const start = new Date(Math.floor(afterMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS);

  let year = start.getUTCFullYear();
  let month = start.getUTCMonth() + 1;
  let day = start.getUTCDate();
  let hour = start.getUTCHours();
  let minute = start.getUTCMinutes();
  const lastYear = year + SEARCH_YEARS;

  while (year <= lastYear) {
    if (!schedule.months.includes(month) || day > daysInMonth(year, month)) {
      month += 1;
      if (month > 12) {
        month = 1;
        year += 1;
      }
      day = 1;
      hour = 0;
      minute = 0;
      continue;
    }
    const matchingHour = firstAtLeast(schedule.hours, hour);
    if (!dayMatches(schedule, year, month, day) || matchingHour === undefined) {
      day += 1;
      hour = 0;
      minute = 0;
      continue;
    }
    if (matchingHour > hour) {
      hour = matchingHour;
      minute = 0;
    }
    const matchingMinute = firstAtLeast(schedule.minutes, minute);
    if (matchingMinute === undefined) {
      hour += 1;
      minute = 0;
      continue;
    }
    return new Date(Date.UTC(year, month - 1, day, hour, matchingMinute));
  }
  throw new CronError(schedule.source, 'the schedule never matches any date');
}

function dayMatches(schedule: CronSchedule, year: number, month: number, day: number): boolean {
  const dayOfMonthMatches = schedule.daysOfMonth.includes(day);
  const dayOfWeekMatches = schedule.daysOfWeek.includes(new Date(Date.UTC(year, month - 1, day)).getUTCDay());
  return schedule.dayOfMonthRestricted && schedule.dayOfWeekRestricted
    ? dayOfMonthMatches || dayOfWeekMatches
    : dayOfMonthMatches && dayOfWeekMatches;
}

/** The smallest value >= `min` in an ascending list. */
function firstAtLeast(sorted: readonly number[], min: number): number | undefined {
  return sorted.find((value) => value >= min);
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the following month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

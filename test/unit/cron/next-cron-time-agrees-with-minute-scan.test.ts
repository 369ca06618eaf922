import { describe, expect, it } from 'vitest';
import { nextCronTime } from '../../../src/cron/next.js';
import { parseCron, type CronSchedule } from '../../../src/cron/parse.js';

const MINUTE_MS = 60_000;

/** Reference implementation: test every minute, straight from the definition. */
function scanForNext(schedule: CronSchedule, after: Date): Date {
  for (let t = Math.floor(after.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS; ; t += MINUTE_MS) {
    const d = new Date(t);
    const dom = schedule.daysOfMonth.includes(d.getUTCDate());
    const dow = schedule.daysOfWeek.includes(d.getUTCDay());
    const day = schedule.dayOfMonthRestricted && schedule.dayOfWeekRestricted ? dom || dow : dom && dow;
    if (
      day &&
      schedule.months.includes(d.getUTCMonth() + 1) &&
      schedule.hours.includes(d.getUTCHours()) &&
      schedule.minutes.includes(d.getUTCMinutes())
    ) {
      return d;
    }
  }
}

const EXPRESSIONS = [
  '*/7 * * * *',
  '13 */5 * * *',
  '0,30 9-17 * * MON-FRI',
  '45 23 1 * *',
  '0 12 15 * 3',
  '5/20 4 */3 * *',
  '0 0 * * 5-7',
  '59 23 28-31 * *',
  '0 6 1,15 * SUN',
];

describe('nextCronTime agrees with a minute-by-minute scan', () => {
  it.each(EXPRESSIONS)("for '%s' from many starting points", (expr) => {
    const schedule = parseCron(expr);
    let seed = 12345;
    for (let i = 0; i < 25; i += 1) {
      // Deterministic pseudo-random start within 2026-2027, at arbitrary seconds.
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const after = new Date(Date.UTC(2026, 0, 1) + (seed % (2 * 365 * 24 * 3600)) * 1000);
      expect(nextCronTime(schedule, after).toISOString()).toBe(scanForNext(schedule, after).toISOString());
    }
  });
});

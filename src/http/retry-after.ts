// Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, read as the least number of
// seconds to wait before the next attempt.

/** A server cannot hold a step back longer than an hour. */
export const MAX_RETRY_AFTER_SECONDS = 3600;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// IMF-fixdate, obsolete RFC 850 and asctime forms: day, month, year, time in named groups.
const DATE_FORMS = [
  /^[a-z]{3}, (?<day>\d{2}) (?<month>[a-z]{3}) (?<year>\d{4}) (?<time>\d{2}:\d{2}:\d{2}) gmt$/i,
  /^[a-z]+, (?<day>\d{2})-(?<month>[a-z]{3})-(?<year>\d{2}) (?<time>\d{2}:\d{2}:\d{2}) gmt$/i,
  /^[a-z]{3} (?<month>[a-z]{3}) +(?<day>\d{1,2}) (?<time>\d{2}:\d{2}:\d{2}) (?<year>\d{4})$/i,
];

/** Seconds from `now` (ms), 0 for a date in the past, capped; undefined when the value is neither form. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text), MAX_RETRY_AFTER_SECONDS);
  const at = parseHttpDate(text);
  if (at === undefined) return undefined;
  return Math.min(Math.max(0, Math.ceil((at - now) / 1000)), MAX_RETRY_AFTER_SECONDS);
}

function parseHttpDate(text: string): number | undefined {
  for (const form of DATE_FORMS) {
    const g = form.exec(text)?.groups;
    if (!g) continue;
    const month = MONTHS.indexOf(g.month.toLowerCase());
    if (month < 0) return undefined;
    let year = Number(g.year);
    if (g.year.length === 2) year += year < 70 ? 2000 : 1900;
    const [h, m, s] = g.time.split(':').map(Number);
    const at = Date.UTC(year, month, Number(g.day), h, m, s);
    return Number.isNaN(at) ? undefined : at;
  }
  return undefined;
}

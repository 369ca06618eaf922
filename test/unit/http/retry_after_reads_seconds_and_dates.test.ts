import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_SECONDS, parseRetryAfter } from '../../../src/http/retry-after.js';

const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
  });

  it('caps the delay at an hour', () => {
    expect(MAX_RETRY_AFTER_SECONDS).toBe(3600);
    expect(parseRetryAfter('86400', NOW)).toBe(3600);
    expect(parseRetryAfter('Wed, 11 Mar 2026 12:00:00 GMT', NOW)).toBe(3600);
  });

  it('reads the three HTTP-date forms as UTC', () => {
    expect(parseRetryAfter('Tue, 10 Mar 2026 12:01:30 GMT', NOW)).toBe(90);
    expect(parseRetryAfter('Tuesday, 10-Mar-26 12:00:45 GMT', NOW)).toBe(45);
    expect(parseRetryAfter('Tue Mar 10 12:00:05 2026', NOW)).toBe(5);
    expect(parseRetryAfter('Tue Mar  9 12:00:05 2026', NOW)).toBe(0);
  });

  it('gives 0 for a date in the past', () => {
    expect(parseRetryAfter('Mon, 09 Mar 2026 12:00:00 GMT', NOW)).toBe(0);
  });

  it('ignores what is neither form', () => {
    for (const v of [undefined, '', '-5', '1.5', 'soon', '10 seconds', 'Tue, 10 Foo 2026 12:01:30 GMT', '2026-03-10T12:01:30Z']) {
      expect(parseRetryAfter(v, NOW)).toBeUndefined();
    }
  });
});

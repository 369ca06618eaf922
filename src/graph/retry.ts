// Retry policies (spec section 1, df.retry): the bounds every policy must keep, for the
// builder and for policies written by hand in an envelope alike.

import { GraphError, quote, type RetryPolicy } from './envelope.js';
import { isPlainObject } from './json-text.js';
import { describeValue } from './queries.js';

/**
 * Retry bounds. The wait before attempt n + 1 is min(delay_seconds × backoff^(n − 1),
 * max_delay_seconds), and these bounds keep it a finite number from 0 to one year for every
 * attempt number, so the next attempt time is always a valid date:
 * - max_attempts ≤ 1,000 is plenty for transient failures and bounds the work one step causes;
 * - backoff ≥ 1 and max_delay_seconds ≥ delay_seconds: no wait is shorter than the first;
 *   a backoff above 10 reaches the cap within a few attempts, so it only hides mistakes;
 * - max_delay_seconds ≤ one year caps a power that overflows to Infinity (a positive delay
 *   times Infinity is Infinity, which the cap turns into max_delay_seconds);
 * - a delay below 0.1 s, 0 included (retry at once), is allowed for at most 10 attempts: a step
 *   that keeps failing cannot keep a worker busy with back-to-back attempts, and 0 × backoff^9
 *   cannot overflow into 0 × Infinity = NaN.
 */
const RETRY_LIMITS = {
  maxAttempts: 1000,
  maxBackoff: 10,
  maxDelaySeconds: 31_536_000,
  shortDelaySeconds: 0.1,
  maxAttemptsWithShortDelay: 10,
} as const;
const ONE_YEAR = `${RETRY_LIMITS.maxDelaySeconds} (1 year)`;

/** Seconds to wait after failed attempt `attempt` (from 1) before the next one. */
export function retryDelaySeconds(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.delay_seconds * policy.backoff ** (attempt - 1), policy.max_delay_seconds);
}

export function readRetryPolicy(raw: unknown): RetryPolicy {
  if (!isPlainObject(raw)) throw new GraphError(`retry must be an object, got ${describeValue(raw)}`);
  const allowed = ['max_attempts', 'delay_seconds', 'backoff', 'max_delay_seconds'];
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) throw new GraphError(`unknown key ${quote(key, "'")} in retry`);
  }
  const { max_attempts: attempts, delay_seconds: delay, backoff, max_delay_seconds: maxDelay } = raw;
  if (!(typeof attempts === 'number' && Number.isInteger(attempts) && attempts >= 1 && attempts <= RETRY_LIMITS.maxAttempts)) {
    throw new GraphError(`retry max_attempts must be a whole number from 1 to ${RETRY_LIMITS.maxAttempts}, got ${describeValue(attempts)}`);
  }
  const delaySeconds = numberIn('delay_seconds', delay, 0, RETRY_LIMITS.maxDelaySeconds, ONE_YEAR);
  const policy: RetryPolicy = {
    max_attempts: attempts,
    delay_seconds: delaySeconds,
    backoff: numberIn('backoff', backoff, 1, RETRY_LIMITS.maxBackoff, String(RETRY_LIMITS.maxBackoff)),
    max_delay_seconds: numberIn(
      'max_delay_seconds', maxDelay, delaySeconds, RETRY_LIMITS.maxDelaySeconds, ONE_YEAR, `delay_seconds (${delaySeconds})`,
    ),
  };
  if (delaySeconds < RETRY_LIMITS.shortDelaySeconds && attempts > RETRY_LIMITS.maxAttemptsWithShortDelay) {
    throw new GraphError(
      `retry delay_seconds ${delaySeconds} is too short for max_attempts ${attempts}: a delay below ` +
        `${RETRY_LIMITS.shortDelaySeconds} s is allowed for at most ${RETRY_LIMITS.maxAttemptsWithShortDelay} attempts, ` +
        'so that a failing step cannot keep a worker busy; use a longer delay or fewer attempts',
    );
  }
  return policy;
}

/** A finite number from `min` to `max`; the texts say how each bound reads in the message. */
function numberIn(field: string, value: unknown, min: number, max: number, maxText: string, minText = String(min)): number {
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    throw new GraphError(`retry ${field} must be a number from ${minText} to ${maxText}, got ${describeValue(value)}`);
  }
  return value;
}

// The in-server statement runner (spec/outside-steps.md §5): where pg_cron is installed in this
// database and the role may use it (df._pg_cron_runs_statements), the role's own df.work
// sessions, as housekeeping, run its dispatched statements as pg_cron jobs owned by the role.
// A pg_cron job runs its command as a top-level statement in a session of its own, outside any
// transaction block, and records the outcome in cron.job_run_details, so the statement and its
// outcome outlive any worker session. pg_cron 1.4 has only minute schedules, and unscheduling
// a job cancels its run: each job is scheduled for one minute of the year (the next one, in
// pg_cron's time zone), so it runs once, and is unscheduled after its run has ended.
//
// A statement goes to pg_cron only when no other runner took it for a while (waiting-statements.ts)
// and the loopback does not take it (in-server-statements.ts).
import { type Db, stmt } from './db.js';
import type { EngineSession } from './session.js';
import { passesThrough } from './errors.js';
import * as runners from './runners.js';
import { STATEMENT_RESULT, statementWaiting } from './waiting-statements.js';

/** A lease is renewed when it has less than this left (leases last about 70 s). */
const RENEW_WITHIN_SECONDS = 40;
/** A job with no run recorded this long after its minute is taken not to have run. */
const OVERDUE_SECONDS = 60;
/** Statements handed to pg_cron per tick at most. */
const CLAIMS_PER_TICK = 8;
const RUNNER_PREFIX = 'pg_cron at ';
const JOB_PREFIX = 'pg_durable statement ';

const T = 'pg_catalog.text';
const R = 'pg_catalog.regrole';
const EQ = 'OPERATOR(pg_catalog.=)';
const NOW = 'pg_catalog.clock_timestamp()';
const ME = `(SELECT pg_catalog.quote_ident(CURRENT_USER)::${R})`;

const usableStmt = stmt(`SELECT df._pg_cron_runs_statements() AS ok`);
// The leases pg_cron holds for the role, with their job and its latest run. Locked, so that
// two workers of the role never follow up the same one.
const heldStmt = stmt(
  `SELECT d.activation_id::${T} AS activation_id, d.lease_token::${T} AS lease_token,
          d.lease_until OPERATOR(pg_catalog.<) (${NOW} OPERATOR(pg_catalog.+) '${RENEW_WITHIN_SECONDS} seconds'::pg_catalog.interval) AS renew_due,
          d.runner, j.jobname::${T} AS job, r.status, r.return_message,
          ${runners.STILL_WANTED} AS live,
          r.status IS NULL AND pg_catalog.substr(d.runner, ${RUNNER_PREFIX.length + 1})::pg_catalog.timestamptz
            OPERATOR(pg_catalog.<) (${NOW} OPERATOR(pg_catalog.-) '${OVERDUE_SECONDS} seconds'::pg_catalog.interval) AS overdue
   FROM df.dispatches d
   LEFT JOIN cron.job j ON j.jobname ${EQ} ('${JOB_PREFIX}' OPERATOR(pg_catalog.||) d.activation_id::${T})::pg_catalog.name
                       AND j.username ${EQ} CURRENT_USER::${T}
   LEFT JOIN LATERAL (SELECT x.status, x.return_message FROM cron.job_run_details x
                      WHERE x.jobid ${EQ} j.jobid ORDER BY x.runid DESC LIMIT 1) r ON true
   WHERE d.owner ${EQ} ${ME} AND d.kind ${EQ} 'statement' AND d.lease_token IS NOT NULL
     AND pg_catalog.starts_with(d.runner, '${RUNNER_PREFIX}')
   FOR NO KEY UPDATE OF d SKIP LOCKED`,
);
// The role's statement jobs whose lease pg_cron no longer holds (another runner took the work
// over after the lease ran out): they must not run.
const orphansStmt = stmt(
  `SELECT j.jobname::${T} AS job FROM cron.job j
   WHERE j.username ${EQ} CURRENT_USER::${T} AND pg_catalog.starts_with(j.jobname::${T}, '${JOB_PREFIX}')
     AND NOT EXISTS (SELECT FROM df.dispatches d
                     WHERE d.owner ${EQ} ${ME} AND d.lease_token IS NOT NULL AND pg_catalog.starts_with(d.runner, '${RUNNER_PREFIX}')
                       AND ('${JOB_PREFIX}' OPERATOR(pg_catalog.||) d.activation_id::${T}) ${EQ} j.jobname::${T})`,
);
// The next minute at least 5 s away, as a schedule for that minute only (in pg_cron's time
// zone: GMT unless cron.timezone, of pg_cron 1.6 and later, says otherwise where the role may
// read it) and as the runner monitoring shows.
const nextMinuteStmt = stmt(
  `SELECT pg_catalog.to_char(pg_catalog.timezone(coalesce((SELECT s.setting FROM pg_catalog.pg_settings s
                                                           WHERE s.name ${EQ} 'cron.timezone' AND s.setting OPERATOR(pg_catalog.<>) ''), 'GMT'), t.at),
                             'FMMI FMHH24 FMDD FMMM') OPERATOR(pg_catalog.||) ' *' AS schedule,
          '${RUNNER_PREFIX}' OPERATOR(pg_catalog.||) pg_catalog.to_char(pg_catalog.timezone('UTC', t.at), 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS runner
   FROM (SELECT pg_catalog.date_trunc('minute', ${NOW} OPERATOR(pg_catalog.+) '5 seconds'::pg_catalog.interval)
                OPERATOR(pg_catalog.+) '1 minute'::pg_catalog.interval AS at) AS t`,
);
const scheduleStmt = stmt(`SELECT cron.schedule($1::${T}, $2::${T}, $3::${T}) AS jobid`, T, T, T);
// By name, and only while the job exists (another worker of the role may have removed it).
const unscheduleStmt = stmt(
  `SELECT cron.unschedule(j.jobname) AS done FROM cron.job j
   WHERE j.jobname ${EQ} $1::pg_catalog.name AND j.username ${EQ} CURRENT_USER::${T}`,
  T,
);
interface Held {
  activation_id: string;
  lease_token: string;
  renew_due: boolean;
  runner: string;
  job: string | null;
  status: string | null;
  return_message: string | null;
  overdue: boolean | null;
  live: boolean;
}

/** One per df.work call: whether pg_cron can be used is asked once per call. */
export class CronStatements {
  private usable: boolean | null = null;

  /**
   * Follows up the jobs the role has with pg_cron, then, if `handOver`, gives it statements no
   * other runner took. Commits as it goes.
   */
  tick(session: EngineSession, handOver: boolean): void {
    const { db } = session;
    try {
      this.usable ??= db.query(usableStmt)[0].ok === true;
      if (!this.usable) return;
      for (const held of db.query(heldStmt) as unknown as Held[]) followUp(session, held);
      for (const { job } of db.query(orphansStmt) as { job: string }[]) unschedule(db, job);
      db.commit();
      for (let i = 0; handOver && i < CLAIMS_PER_TICK && statementWaiting(db); i++) {
        if (!scheduleNext(session)) break;
        db.commit();
      }
    } catch (e) {
      if (passesThrough(e)) throw e;
      // Not the worker's to fix (pg_cron changed under it, a job removed by hand): for the rest
      // of this call the other runners remain; someone calling df.work by hand sees why.
      db.rollback();
      db.notice(`pg_durable: not running statements through pg_cron in this df.work call: ${(e as Error).message}`);
      this.usable = false;
    }
  }
}

function followUp(session: EngineSession, held: Held): void {
  const { db } = session;
  const { activation_id: id, lease_token: token } = held;
  if (held.status === 'succeeded' || held.status === 'failed') {
    unschedule(db, held.job);
    const error = held.status === 'failed' ? postgresMessage(held.return_message) : null;
    runners.complete(session, id, token, error === null ? STATEMENT_RESULT : null, error, null);
    return;
  }
  if (held.job === null) {
    // Removed by hand before it ran: the work is claimable again.
    runners.release(db, id, token);
    return;
  }
  if (!held.live || (held.renew_due && runners.renew(db, id, token) === null)) {
    // Cancelled, a race lost, or taken over after the lease ran out: unscheduling stops the
    // job, running or not, and a job that has not run never does.
    unschedule(db, held.job);
    runners.release(db, id, token);
    return;
  }
  if (held.overdue) {
    // Scheduling it again could run it twice (with cron.log_run off, runs leave no record).
    unschedule(db, held.job);
    runners.complete(session, id, token, null, notRun(held.runner.slice(RUNNER_PREFIX.length)), null);
  }
}

function notRun(minute: string): string {
  return (
    `pg_cron recorded no run of the statement scheduled for ${minute}: pg_cron may not be running, or cron.log_run is off ` +
    '(pg_durable reads the outcome from cron.job_run_details); it was not scheduled again, so that it cannot run twice'
  );
}

/** Claims the oldest waiting statement and schedules it; false when there was none to claim. */
function scheduleNext(session: EngineSession): boolean {
  const { db } = session;
  const next = db.query(nextMinuteStmt)[0] as { schedule: string; runner: string };
  const claimed = JSON.parse(runners.claim(session, 'statement', next.runner, 1)) as { activation_id: string; request: { sql: string } }[];
  if (claimed.length === 0) return false;
  const { activation_id: id, request } = claimed[0];
  db.query(scheduleStmt, [JOB_PREFIX + id, next.schedule, request.sql]);
  return true;
}

function unschedule(db: Db, job: string | null): void {
  if (job !== null) db.query(unscheduleStmt, [job]);
}

/** pg_cron records a failure as libpq reports it ("ERROR:  message\n"): PostgreSQL's message alone. */
function postgresMessage(returnMessage: string | null): string {
  const text = (returnMessage ?? '').replace(/^(ERROR|FATAL|PANIC):\s+/, '').trimEnd();
  return text === '' ? 'the pg_cron job failed without a message' : text;
}

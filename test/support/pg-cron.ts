// pg_cron in the tests: the statements that a scheduling call's HINT gives outside pg_cron's
// database, run where they belong (the private cluster's pg_cron is in database postgres); and
// a stand-in with pg_cron 1.4's interface (table cron.job with its key, cron.job_run_details,
// and the two functions pg_durable calls), so that a test can play a database "with pg_cron"
// without installing anything into pg_cron's own database.
import type pg from 'pg';
import { serverUrl, withClient } from './server.js';

/** The statements of a HINT, one per line. */
export const hintStatements = (hint: string): string[] => hint.split('\n').filter((l) => l.startsWith('SELECT cron.'));

/** Runs statements in pg_cron's database, as a superuser. */
export const inCronDatabase = (sqls: readonly string[]): Promise<void> =>
  withClient(serverUrl(), async (c) => {
    for (const s of sqls) await c.query(s);
  });

const STAND_IN_CRON = `
  CREATE SCHEMA cron;
  CREATE TABLE cron.job (
    jobid bigserial PRIMARY KEY, schedule text NOT NULL, command text NOT NULL,
    nodename text NOT NULL DEFAULT 'localhost', nodeport integer NOT NULL DEFAULT 5432,
    database text NOT NULL DEFAULT current_database(), username text NOT NULL DEFAULT current_user,
    active boolean NOT NULL DEFAULT true, jobname name);
  CREATE UNIQUE INDEX jobname_username_uniq ON cron.job (jobname, username);
  CREATE TABLE cron.job_run_details (jobid bigint, runid bigserial PRIMARY KEY, job_pid integer, database text, username text,
    command text, status text, return_message text, start_time timestamptz, end_time timestamptz);
  -- pg_cron 1.4: a job of the same name and user is replaced (its database is kept).
  CREATE FUNCTION cron.schedule_in_database(job_name text, schedule text, command text, database text,
                                            username text DEFAULT NULL, active boolean DEFAULT true)
  RETURNS bigint LANGUAGE sql AS $$
    INSERT INTO cron.job (jobname, schedule, command, database, username, active)
    VALUES (job_name, schedule, command, database, coalesce(username, current_user), active)
    ON CONFLICT (jobname, username) DO UPDATE SET schedule = excluded.schedule, command = excluded.command
    RETURNING jobid $$;
  CREATE FUNCTION cron.unschedule(job_id bigint) RETURNS boolean LANGUAGE sql AS $$
    WITH d AS (DELETE FROM cron.job WHERE jobid = job_id RETURNING 1) SELECT count(*) = 1 FROM d $$;`;

/**
 * Creates the stand-in schema cron in the session's database. As a superuser: pg_durable only
 * calls a schema cron that superusers own (df._pg_cron_trusted).
 */
export async function createStandInCron(su: pg.Client): Promise<void> {
  await su.query(STAND_IN_CRON);
}

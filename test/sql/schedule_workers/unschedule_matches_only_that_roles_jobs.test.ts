// df.unschedule_workers(role) removes exactly that role's worker jobs in this database: role
// names are compared exactly (cron.job.username), never as LIKE patterns, so 'a_ice' and
// 'a%ce' do not reach alice's jobs. Job names fit pg_cron's 63 bytes (a longer name would be
// cut and collide, and pg_cron silently replaces a job of the same name and user).
//
// Against the real pg_cron, outside its database, through the statements the HINTs give;
// inside a database "with pg_cron", through a stand-in cron schema with pg_cron 1.4's table,
// key and functions, so the test installs nothing into pg_cron's own database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createScratch, type Scratch } from '../../support/scratch.js';
import { serverUrl, urlFor, usesPrivateCluster, withClient } from '../../support/server.js';
import { createLoginRoles, dropRoles, ident } from '../../support/roles.js';
import { createStandInCron, hintStatements, inCronDatabase } from '../../support/pg-cron.js';

const tag = `${process.pid}`;
const alice = `alice_${tag}`;
const aIce = `a_ice_${tag}`;
const aPercent = `a%ce_${tag}`;
const roles = [alice, aIce, aPercent];

let scratch: Scratch;
let su: pg.Client;

beforeAll(async () => {
  scratch = await createScratch('unschedule', ['pg_durable']);
  await createLoginRoles(roles);
  su = await scratch.admin();
  await su.query(`SET client_min_messages = warning`);
  for (const r of roles) await su.query(`SELECT df.grant_usage($1)`, [r]);
});

afterAll(async () => {
  if (usesPrivateCluster()) {
    await withClient(serverUrl(), (c) =>
      c.query(`SELECT cron.unschedule(jobid) FROM cron.job WHERE username = ANY ($1)`, [roles]),
    ).catch(() => undefined);
  }
  await scratch?.drop();
  await dropRoles(roles);
});

/** The HINT of the error a call raises. */
async function hintOf(sql: string, params: unknown[]): Promise<string> {
  const err = await su.query(sql, params).then(
    () => undefined,
    (e: { hint?: string }) => e,
  );
  expect(err).toBeDefined();
  return err!.hint ?? '';
}

describe.skipIf(!usesPrivateCluster())('with the real pg_cron, through the statements the HINTs give', () => {
  const jobs = async () =>
    withClient(serverUrl(), async (c) => {
      const { rows } = await c.query(
        `SELECT username, jobname, command FROM cron.job WHERE database = $1 ORDER BY username, jobname`,
        [scratch.name],
      );
      return rows as { username: string; jobname: string; command: string }[];
    });

  it('schedules each role’s jobs under its exact name', async () => {
    const counts: Record<string, number> = { [alice]: 2, [aIce]: 2, [aPercent]: 1 };
    for (const r of roles) {
      const hint = await hintOf(`SELECT df.schedule_workers($1, $2)`, [r, counts[r]]);
      expect(hintStatements(hint)).toHaveLength(1 + counts[r]);
      await inCronDatabase(hintStatements(hint));
    }
    const all = await jobs();
    for (const r of roles) {
      const mine = all.filter((j) => j.username === r);
      expect(mine.map((j) => j.jobname)).toEqual(
        Array.from({ length: counts[r] }, (_, i) => `pg_durable ${scratch.name} worker ${i + 1}`),
      );
      for (const j of mine) expect(j.command).toBe('CALL df.work(58, 10)');
    }
  });

  it('unscheduling a_ice leaves alice’s and a%ce’s jobs alone', async () => {
    const hint = await hintOf(`SELECT df.unschedule_workers($1)`, [aIce]);
    expect(hintStatements(hint)).toHaveLength(1);
    await inCronDatabase(hintStatements(hint));
    const left = await jobs();
    expect(left.filter((j) => j.username === aIce)).toEqual([]);
    expect(left.filter((j) => j.username === alice)).toHaveLength(2);
    expect(left.filter((j) => j.username === aPercent)).toHaveLength(1);
  });

  it('unscheduling a%ce leaves alice’s jobs alone', async () => {
    const hint = await hintOf(`SELECT df.unschedule_workers($1)`, [aPercent]);
    await inCronDatabase(hintStatements(hint));
    const left = await jobs();
    expect(left.map((j) => j.username)).toEqual([alice, alice]);
    const again = await hintOf(`SELECT df.unschedule_workers($1)`, [alice]);
    await inCronDatabase(hintStatements(again));
    expect(await jobs()).toEqual([]);
  });
});

describe('a schema named cron that is not pg_cron’s', () => {
  it('is never called: a superuser’s schedule, unschedule or revoke runs none of its code', async () => {
    await su.query(`GRANT CREATE ON DATABASE ${ident(scratch.name)} TO ${ident(alice)}`);
    await withClient(urlFor(scratch.name, alice), (c) =>
      c.query(`
        CREATE SCHEMA cron;
        GRANT USAGE ON SCHEMA cron TO PUBLIC;
        CREATE TABLE cron.caught (who text);
        GRANT INSERT ON cron.caught TO PUBLIC;
        CREATE FUNCTION cron.trap() RETURNS bigint LANGUAGE sql AS $$ INSERT INTO cron.caught SELECT current_user RETURNING 0 $$;
        CREATE TABLE cron.rows (jobid bigint, username text, database text, jobname name);
        CREATE VIEW cron.job AS SELECT * FROM cron.rows WHERE cron.trap() = 0;
        CREATE FUNCTION cron.schedule_in_database(text, text, text, text, text DEFAULT NULL, boolean DEFAULT true)
          RETURNS bigint LANGUAGE sql AS $$ SELECT cron.trap() $$;
        CREATE FUNCTION cron.unschedule(bigint) RETURNS boolean LANGUAGE sql AS $$ SELECT cron.trap() = 0 $$;
        GRANT SELECT ON cron.job TO PUBLIC;`),
    );
    // A row that matches what df.revoke_usage looks for, so the view's trap would run.
    await withClient(urlFor(scratch.name, alice), (c) =>
      c.query(`INSERT INTO cron.rows VALUES (1, $1, current_database(), $2)`, [aPercent, `pg_durable ${scratch.name} worker 1`]),
    );
    try {
      await expect(su.query(`SELECT df.schedule_workers($1)`, [aIce])).rejects.toThrow(
        `schema cron in database ${scratch.name} is not pg_cron's`,
      );
      await expect(su.query(`SELECT df.unschedule_workers($1)`, [aIce])).rejects.toThrow('is not pg_cron');
      await su.query(`SELECT df.revoke_usage($1)`, [aPercent]);
      await su.query(`SELECT df.grant_usage($1)`, [aPercent]);
      expect((await su.query(`SELECT count(*)::int AS n FROM cron.caught`)).rows[0].n).toBe(0);
    } finally {
      await su.query(`DROP SCHEMA cron CASCADE`);
      await su.query(`REVOKE CREATE ON DATABASE ${ident(scratch.name)} FROM ${ident(alice)}`);
    }
  });
});

describe('in a database with pg_cron (a stand-in with pg_cron 1.4’s interface)', () => {
  let cron: pg.Client;
  beforeAll(async () => {
    cron = su;
    await createStandInCron(cron);
  });

  const byRole = async () => {
    const { rows } = await cron.query(
      `SELECT username, count(*)::int AS n FROM cron.job WHERE database = current_database() GROUP BY username`,
    );
    return Object.fromEntries(rows.map((r) => [r.username, r.n]));
  };

  it('removes exactly the named role’s jobs of this database and says how many', async () => {
    const ids = (await cron.query(`SELECT df.schedule_workers($1, 3) AS id`, [alice])).rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(3);
    await cron.query(`SELECT df.schedule_workers($1, 2)`, [aIce]);
    await cron.query(`SELECT df.schedule_workers($1, 1)`, [aPercent]);
    // alice's workers in another database, and a job of alice's of her own.
    await cron.query(`SELECT cron.schedule_in_database('pg_durable other_db worker 1', '* * * * *', 'CALL df.work(58, 10)', 'other_db', $1)`, [alice]);
    await cron.query(`SELECT cron.schedule_in_database('nightly report', '0 3 * * *', 'SELECT 1', current_database(), $1)`, [alice]);
    expect(await byRole()).toEqual({ [alice]: 4, [aIce]: 2, [aPercent]: 1 });

    const notices: string[] = [];
    const onNotice = (n: { message?: string }) => notices.push(n.message ?? '');
    cron.on('notice', onNotice);
    await cron.query(`SET client_min_messages = notice`);
    expect((await cron.query(`SELECT df.unschedule_workers($1) AS n`, [aIce])).rows[0].n).toBe(2);
    await cron.query(`SET client_min_messages = warning`);
    cron.off('notice', onNotice);
    expect(notices).toEqual([`pg_durable: 2 worker job(s) of role ${aIce} removed`]);
    expect(await byRole()).toEqual({ [alice]: 4, [aPercent]: 1 });

    expect((await cron.query(`SELECT df.unschedule_workers($1) AS n`, [aPercent])).rows[0].n).toBe(1);
    expect((await cron.query(`SELECT df.unschedule_workers($1) AS n`, ['a%'])).rows[0].n).toBe(0);
    expect((await cron.query(`SELECT df.unschedule_workers($1) AS n`, ['alice_%'])).rows[0].n).toBe(0);
    expect(await byRole()).toEqual({ [alice]: 4 });
  });

  it('rescheduling replaces a role’s workers; other databases and other jobs stay', async () => {
    await cron.query(`SELECT df.schedule_workers($1, 1)`, [alice]);
    const { rows } = await cron.query(`SELECT jobname, database FROM cron.job WHERE username = $1 ORDER BY jobname`, [alice]);
    expect(rows).toEqual([
      { jobname: 'nightly report', database: scratch.name },
      { jobname: 'pg_durable other_db worker 1', database: 'other_db' },
      { jobname: `pg_durable ${scratch.name} worker 1`, database: scratch.name },
    ]);
    expect((await cron.query(`SELECT df.unschedule_workers($1) AS n`, [alice])).rows[0].n).toBe(1);
    expect((await cron.query(`SELECT count(*)::int AS n FROM cron.job WHERE username = $1`, [alice])).rows[0].n).toBe(2);
  });

  it('removes the jobs of a role that was dropped', async () => {
    const gone = `pgd_gone_${tag}`;
    await cron.query(`SELECT cron.schedule_in_database($1, '* * * * *', 'CALL df.work(58, 10)', current_database(), $2)`, [
      `pg_durable ${scratch.name} worker 1`,
      gone,
    ]);
    expect((await cron.query(`SELECT df.unschedule_workers($1) AS n`, [gone])).rows[0].n).toBe(1);
  });

  it('gives every worker of every database a distinct job name that pg_cron stores whole', async () => {
    const long = 'd'.repeat(60);
    const { rows } = await cron.query(
      `SELECT db, n, df._cron_job_name(db, 'worker ' || n) AS name FROM unnest($1::text[]) db, generate_series(1, 32) n`,
      [[long + 'aaa', long + 'aab', 'é'.repeat(31), scratch.name]],
    );
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    for (const r of rows) expect(Buffer.byteLength(r.name)).toBeLessThanOrEqual(63);
    expect(rows.find((r) => r.db === scratch.name && r.n === 7).name).toBe(`pg_durable ${scratch.name} worker 7`);
  });

  it('refuses what would only make failing workers, and says what to do', async () => {
    const nologin = `pgd_nologin_${tag}`;
    await withClient(serverUrl(), (c) => c.query(`DROP ROLE IF EXISTS ${ident(nologin)}; CREATE ROLE ${ident(nologin)}`));
    try {
      const err = await cron.query(`SELECT df.schedule_workers($1)`, [nologin]).catch((e) => e);
      expect(err.message).toBe(`role "${nologin}" does not exist or cannot log in`);
      expect(err.hint).toContain(`ALTER ROLE ${nologin} LOGIN`);
      await cron.query(`ALTER ROLE ${ident(nologin)} LOGIN`);
      const noUsage = await cron.query(`SELECT df.schedule_workers($1)`, [nologin]).catch((e) => e);
      expect(noUsage.message).toBe(`role ${nologin} has no usage of pg_durable in database ${scratch.name}: its workers would fail`);
      expect(noUsage.hint).toBe(`SELECT df.grant_usage('${nologin}'); first.`);
    } finally {
      await withClient(serverUrl(), (c) => c.query(`DROP ROLE IF EXISTS ${ident(nologin)}`));
    }
    const upper = await cron.query(`SELECT df.schedule_workers($1)`, [alice.toUpperCase()]).catch((e) => e);
    expect(upper.hint).toContain(`Did you mean '${alice}'?`);
    await expect(cron.query(`SELECT df.schedule_workers($1, 1, 0)`, [alice])).rejects.toThrow(
      'p_idle_poll_ms must be between 1 and 60000, got 0',
    );
  });
});

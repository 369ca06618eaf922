// Role names of any spelling work end to end (spec section 13): capitals, spaces, quotes of
// both kinds, backslashes, '%' and '_', dots. A role name is
// always what pg_roles.rolname holds, never an identifier to parse: grant_usage, start,
// its own workers, signals, variables, schedule_workers (whose HINT must hold statements that
// schedule exactly that role), unschedule_workers and revoke_usage all take it as spelled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createScratch, type Scratch } from '../../support/scratch.js';
import { serverUrl, urlFor, usesPrivateCluster, withClient } from '../../support/server.js';
import { createLoginRoles, dropRoles, ident } from '../../support/roles.js';
import { WorkerPool } from '../../../src/cli/worker-pool.js';

const tag = `${process.pid}`;
const names = [
  `Mixed Case ${tag}`,
  `o'brien ${tag}`,
  `"quoted" ${tag}`,
  `back\\slash_%${tag}`,
  `dotted.name_${tag}`,
];

let scratch: Scratch;
let su: pg.Client;
const pools: WorkerPool[] = [];

beforeAll(async () => {
  scratch = await createScratch('any_spelling', ['pg_durable']);
  await createLoginRoles(names);
  su = await scratch.admin();
  await su.query(`ALTER DATABASE ${ident(scratch.name)} SET pg_durable.loop_min_interval = '0'`);
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.stop()));
  if (usesPrivateCluster()) {
    await withClient(serverUrl(), (c) =>
      c.query(`SELECT cron.unschedule(jobid) FROM cron.job WHERE username = ANY ($1)`, [names]),
    ).catch(() => undefined);
  }
  await scratch?.drop();
  await dropRoles(names);
});

function as<T>(role: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  return withClient(urlFor(scratch.name, role), fn);
}

async function noticesOf(fn: () => Promise<unknown>): Promise<string[]> {
  const notices: string[] = [];
  const onNotice = (n: { message?: string }) => notices.push(n.message ?? '');
  su.on('notice', onNotice);
  await su.query(`SET client_min_messages = notice`);
  try {
    await fn();
  } finally {
    await su.query(`SET client_min_messages = warning`);
    su.off('notice', onNotice);
  }
  return notices;
}

describe.each(names)('role %s', (role) => {
  it('gets usage under its exact name, named in the NOTICE as an identifier', async () => {
    const notices = await noticesOf(() => su.query(`SELECT df.grant_usage($1)`, [role]));
    expect(notices).toEqual([`pg_durable: granted usage to role ${ident(role)}`]);
    expect((await su.query(`SELECT has_schema_privilege($1, 'df', 'USAGE') AS u`, [role])).rows[0].u).toBe(true);
  });

  it('is not confused with its identifier spelling or another case', async () => {
    for (const other of [ident(role), role.toUpperCase(), role.toLowerCase()].filter((o) => o !== role)) {
      const err = await su.query(`SELECT df.grant_usage($1)`, [other]).catch((e) => e);
      expect(err.message).toBe(`role "${other}" does not exist`);
      expect(err.hint).toContain('Pass the role name exactly as pg_roles.rolname spells it');
    }
  });

  it('starts a workflow that its own worker runs as it, with a variable, a named result and a signal', async () => {
    const pool = new WorkerPool({ url: urlFor(scratch.name, role), workers: 1, callSeconds: 2, idlePollMs: 5 });
    await pool.start();
    pools.push(pool);
    const done = await as(role, async (c) => {
      await c.query(`SELECT df.setvar('greeting', 'hi')`);
      const { rows } = await c.query(
        `SELECT df.start(df.wait_for_signal('go', 60) ~> ('SELECT current_user::text AS me' |=> 'me')
                         ~> 'SELECT $me AS cur, session_user::text AS ses, ''{greeting}'' AS g') AS id`,
      );
      const id = rows[0].id as string;
      await c.query(`SELECT df.signal($1, 'go', '{"n": 1}')`, [id]);
      const status = (await c.query(`SELECT df.await_instance($1, 30) AS s`, [id])).rows[0].s;
      const result = (await c.query(`SELECT df.result($1) AS r, df.error($1) AS e`, [id])).rows[0];
      const listed = (await c.query(`SELECT instance_id FROM df.list_instances()`)).rows.map((r) => r.instance_id);
      return { id, status, result, listed };
    });
    expect(done.result.e).toBeNull();
    expect(done.status).toBe('completed');
    expect(JSON.parse(done.result.r)).toEqual({ rows: [{ cur: role, ses: role, g: 'hi' }], row_count: 1 });
    expect(done.listed).toEqual([done.id]);
    const { rows } = await su.query(`SELECT submitted_by::oid = (SELECT oid FROM pg_roles WHERE rolname = $2) AS mine FROM df.instances WHERE id = $1`, [
      done.id,
      role,
    ]);
    expect(rows).toEqual([{ mine: true }]);
  });
});

describe.skipIf(!usesPrivateCluster())('pg_cron workers of such roles', () => {
  const jobsOf = (role: string) =>
    withClient(serverUrl(), async (c) =>
      (await c.query(`SELECT jobname FROM cron.job WHERE username = $1 AND database = $2 ORDER BY jobname`, [role, scratch.name]))
        .rows.map((r) => r.jobname as string),
    );

  it('schedule_workers’ HINT schedules exactly that role, and its jobs run its workflows as it', { timeout: 150_000 }, async () => {
    await Promise.all(pools.splice(0).map((p) => p.stop()));
    const ids: Record<string, string> = {};
    for (const role of names) {
      const err = await su.query(`SELECT df.schedule_workers($1)`, [role]).catch((e) => e);
      expect(err.message).toBe(`pg_cron is not installed in database ${scratch.name}`);
      const statements = (err.hint as string).split('\n').filter((l) => l.startsWith('SELECT cron.'));
      expect(statements).toHaveLength(2);
      await withClient(serverUrl(), async (c) => {
        for (const s of statements) await c.query(s);
      });
      expect(await jobsOf(role)).toEqual([`pg_durable ${scratch.name} worker 1`]);
      ids[role] = await as(role, async (c) =>
        (await c.query(`SELECT df.start('SELECT session_user::text AS ses') AS id`)).rows[0].id as string,
      );
    }
    for (const role of names) {
      const status = await as(role, async (c) => (await c.query(`SELECT df.await_instance($1, 130) AS s`, [ids[role]])).rows[0].s);
      expect(status, role).toBe('completed');
      const r = await as(role, async (c) => (await c.query(`SELECT df.result($1) AS r`, [ids[role]])).rows[0].r);
      expect(JSON.parse(r)).toEqual({ rows: [{ ses: role }], row_count: 1 });
    }
  });

  it('unschedule_workers’ HINT removes that role’s jobs and no other', async () => {
    const [first, ...rest] = names;
    const err = await su.query(`SELECT df.unschedule_workers($1)`, [first]).catch((e) => e);
    const statement = (err.hint as string).split('\n').find((l) => l.startsWith('SELECT cron.unschedule'));
    await withClient(serverUrl(), (c) => c.query(statement!));
    expect(await jobsOf(first)).toEqual([]);
    for (const role of rest) expect(await jobsOf(role), role).toHaveLength(1);
  });
});

describe('revoke_usage', () => {
  it('takes everything back from each role, named in the NOTICE', async () => {
    for (const role of names) {
      const notices = await noticesOf(() => su.query(`SELECT df.revoke_usage($1)`, [role]));
      expect(notices[0]).toBe(`pg_durable: revoked usage from role ${ident(role)}`);
      await as(role, async (c) => {
        await expect(c.query(`SELECT df.start('SELECT 1')`)).rejects.toThrow('permission denied for schema df');
      });
    }
  });
});

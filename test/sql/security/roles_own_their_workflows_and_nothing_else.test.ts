import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { serverUrl, urlFor, withClient } from '../../support/server.js';
import { runWorkflow, startWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
const outsider = `pgd_outsider_${process.pid}`;
const nologin = `pgd_nologin_${process.pid}`;

beforeAll(async () => {
  fx = await engineFixture('security');
  await withClient(serverUrl(), async (c) => {
    await c.query(`DROP ROLE IF EXISTS "${outsider}"`);
    await c.query(`DROP ROLE IF EXISTS "${nologin}"`);
    await c.query(`CREATE ROLE "${outsider}" LOGIN`);
    await c.query(`CREATE ROLE "${nologin}" NOLOGIN`);
  });
  await fx.startWorkers(1);
});
afterAll(async () => {
  await fx?.close();
  await withClient(serverUrl(), async (c) => {
    await c.query(`DROP ROLE IF EXISTS "${outsider}"`);
    await c.query(`DROP ROLE IF EXISTS "${nologin}"`);
  });
});

async function asOutsider<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  return withClient(urlFor(fx.scratch.name, outsider), fn);
}

describe('access control', () => {
  it('grants nothing to PUBLIC: a role without df.grant_usage cannot use pg_durable', async () => {
    await asOutsider(async (c) => {
      await expect(c.query(`SELECT df.start('SELECT 1')`)).rejects.toThrow('permission denied for schema df');
      await expect(c.query(`SELECT 'a' ~> 'b'`)).rejects.toThrow();
    });
  });

  it('df.grant_usage and df.revoke_usage name the role in a NOTICE', async () => {
    const admin = await fx.scratch.admin();
    const notices: string[] = [];
    const onNotice = (n: { message?: string }) => notices.push(n.message ?? '');
    admin.on('notice', onNotice);
    await admin.query(`SET client_min_messages = notice`);
    await admin.query(`SELECT df.grant_usage($1)`, [outsider]);
    expect(await asOutsider(async (c) => (await c.query(`SELECT df.status('00000000') AS s`)).rows[0].s)).toBeNull();
    await admin.query(`SELECT df.revoke_usage($1)`, [outsider]);
    admin.off('notice', onNotice);
    await admin.query(`SET client_min_messages = warning`);
    expect(notices).toEqual([`pg_durable: granted usage to role ${outsider}`, `pg_durable: revoked usage from role ${outsider}`]);
    await asOutsider(async (c) => {
      await expect(c.query(`SELECT df.status('00000000')`)).rejects.toThrow('permission denied');
    });
  });

  it('runs every step as the submitting role, in a session authenticated as it', async () => {
    const done = await runWorkflow(fx, `'SELECT current_user::text AS cur, session_user::text AS ses'`);
    expect(done.result).toEqual({ rows: [{ cur: fx.role, ses: fx.role }], row_count: 1 });
  });

  it('refuses superuser submitters unless pg_durable.enable_superuser_instances is on', async () => {
    const admin = await fx.scratch.admin();
    await expect(admin.query(`SELECT df.start('SELECT 1')`)).rejects.toMatchObject({
      message: 'pg_durable: superuser instances are disabled. current_user "postgres" is a superuser, but pg_durable.enable_superuser_instances is off. Set pg_durable.enable_superuser_instances = on to allow this.',
      code: '42501',
      hint: 'Start workflows as an ordinary role instead.',
    });
  });

  it('refuses a role without LOGIN', async () => {
    const admin = await fx.scratch.admin();
    await admin.query(`SELECT df.grant_usage($1)`, [nologin]);
    await admin.query('BEGIN');
    await admin.query(`SET LOCAL ROLE "${nologin}"`);
    await expect(admin.query(`SELECT df.start('SELECT 1')`)).rejects.toMatchObject({
      message: `current_user "${nologin}" does not have LOGIN privilege. Every step runs in a session authenticated as the role that started it.`,
    });
    await admin.query('ROLLBACK');
  });

  it('does not let users forge identity, change runtime columns through privileges they lack, or delete', async () => {
    const id = await startWorkflow(fx, `'SELECT 1'`);
    await expect(fx.user.query(`UPDATE df.instances SET submitted_by = 'postgres' WHERE id = $1`, [id])).rejects.toThrow('permission denied');
    await expect(fx.user.query(`UPDATE df.instances SET label = 'x' WHERE id = $1`, [id])).rejects.toThrow('permission denied');
    await expect(fx.user.query(`DELETE FROM df.instances WHERE id = $1`, [id])).rejects.toThrow('permission denied');
    await expect(fx.user.query(`DELETE FROM df.nodes WHERE instance_id = $1`, [id])).rejects.toThrow('permission denied');
    await expect(
      fx.user.query(`INSERT INTO df.instances (id, label, vars, submitted_by) VALUES ('abcdabcd', 'x', '{}', 'postgres')`),
    ).rejects.toThrow('permission denied');
  });

  it('a worker session that only SET ROLE to the owner is refused', async () => {
    const admin = await fx.scratch.admin();
    await expect(admin.query(`SET ROLE "${fx.role}"; CALL df.work(1, 10)`)).rejects.toThrow(
      `df.work must run in a session authenticated as the role whose workflows it runs (current_user ${fx.role}, session_user postgres)`,
    );
    await admin.query('RESET ROLE');
  });

  it('a superuser worker is refused', async () => {
    const admin = await fx.scratch.admin();
    await expect(admin.query(`CALL df.work(1, 10)`)).rejects.toThrow('df.work refuses to run as a superuser');
  });
});

describe('a dropped role', () => {
  it('has its unfinished instances failed cleanly by df.fail_orphaned_instances()', async () => {
    const doomed = `pgd_doomed_${process.pid}`;
    const admin = await fx.scratch.admin();
    await withClient(serverUrl(), (c) => c.query(`DROP ROLE IF EXISTS "${doomed}"; CREATE ROLE "${doomed}" LOGIN`));
    await admin.query(`SELECT df.grant_usage($1)`, [doomed]);
    const id = await withClient(urlFor(fx.scratch.name, doomed), async (c) =>
      (await c.query(`SELECT df.start(df.sleep(3600)) AS id`)).rows[0].id as string,
    );
    await admin.query(`SELECT df.revoke_usage($1)`, [doomed]);
    await withClient(serverUrl(), (c) => c.query(`DROP ROLE "${doomed}"`));
    expect((await admin.query(`SELECT df.fail_orphaned_instances() AS n`)).rows[0].n).toBe(1);
    const { rows } = await admin.query(`SELECT status, error FROM df.instances WHERE id = $1`, [id]);
    expect(rows[0].status).toBe('failed');
    expect(rows[0].error).toMatch(/^the role that started this instance \(oid \d+\) was dropped$/);
    expect((await admin.query(`SELECT count(*)::int AS n FROM df.activations WHERE instance_id = $1`, [id])).rows[0].n).toBe(0);
    expect((await admin.query(`SELECT df.fail_orphaned_instances() AS n`)).rows[0].n).toBe(0);
  });
});

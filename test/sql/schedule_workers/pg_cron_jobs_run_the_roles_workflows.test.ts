import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { serverUrl, usesPrivateCluster, withClient } from '../../support/server.js';
import { awaitWorkflow, startWorkflow } from '../../support/workflow.js';

// pg_cron lives in the cluster's cron.database_name (postgres); scheduling there is only
// done on the private cluster.
describe.skipIf(!usesPrivateCluster())('df.schedule_workers', () => {
  let fx: EngineFixture;
  let hint = '';
  beforeAll(async () => {
    fx = await engineFixture('schedule_workers');
  });
  afterAll(async () => {
    await withClient(serverUrl(), (c) =>
      c.query(`SELECT cron.unschedule(jobid) FROM cron.job WHERE username = $1`, [fx.role]),
    ).catch(() => undefined);
    await fx?.close();
  });

  it('outside the pg_cron database, says exactly what to run there', async () => {
    const admin = await fx.scratch.admin();
    const err = await admin.query(`SELECT df.schedule_workers($1)`, [fx.role]).catch((e: { message: string; hint: string }) => e);
    expect((err as { message: string }).message).toBe(`pg_cron is not installed in database ${fx.scratch.name}`);
    hint = (err as { hint: string }).hint;
    expect(hint).toContain(
      `SELECT cron.unschedule(jobid) FROM cron.job WHERE username OPERATOR(pg_catalog.=) '${fx.role}' AND database OPERATOR(pg_catalog.=) '${fx.scratch.name}' AND pg_catalog.starts_with(jobname, 'pg_durable ');`,
    );
    expect(hint).toContain(`SELECT cron.schedule_in_database('pg_durable ${fx.scratch.name} worker 1', '* * * * *', 'CALL df.work(58, 10)', '${fx.scratch.name}', '${fx.role}');`);
  });

  it('refuses roles that cannot log in and silly worker counts', async () => {
    const admin = await fx.scratch.admin();
    await expect(admin.query(`SELECT df.schedule_workers('no_such_role_xyz')`)).rejects.toThrow(
      'role "no_such_role_xyz" does not exist or cannot log in',
    );
    await expect(admin.query(`SELECT df.schedule_workers($1, 0)`, [fx.role])).rejects.toThrow(
      'p_workers must be between 1 and 32, got 0',
    );
  });

  it('a job scheduled that way runs the role’s workflow within a cron minute, as the role', { timeout: 150_000 }, async () => {
    const statement = /SELECT cron\.schedule_in_database\(.*\);/.exec(hint)?.[0];
    expect(statement).toBeDefined();
    await fx.user.query('CREATE TABLE who (name text)');
    const id = await startWorkflow(fx, `'INSERT INTO who SELECT session_user'`);
    await withClient(serverUrl(), (c) => c.query(statement!));
    const done = await awaitWorkflow(fx, id, 130);
    expect(done.status).toBe('completed');
    expect(await fx.value('SELECT name FROM who')).toBe(fx.role);
  });
});

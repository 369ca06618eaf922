// The thresholds of df.health are read only from what an administrator set for the database
// (ALTER DATABASE … SET pg_durable.health_…): a role's own SET or ALTER ROLE cannot silence
// its alerts. A value that is not an interval (or a count) is an error that says how to fix it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { ident } from '../../support/roles.js';
import { check } from './health.js';

let fx: EngineFixture;
let admin: pg.Client;
const alterDatabase = (sql: string) => admin.query(`ALTER DATABASE ${ident(fx.scratch.name)} ${sql}`);

beforeAll(async () => {
  fx = await engineFixture('health_thresholds');
  admin = await fx.scratch.admin();
  // One due step, two minutes overdue: a warning by the default thresholds.
  await fx.value(`SELECT df.start('SELECT 1')`);
  await admin.query(`UPDATE df.activations SET wake_at = wake_at - interval '2 min' WHERE owner = $1::regrole`, [fx.role]);
});
afterAll(async () => fx?.close());

describe('health thresholds', () => {
  it('cannot be changed by a role for itself', async () => {
    await fx.user.query(`ALTER ROLE CURRENT_USER SET pg_durable.health_ready_warning = '1 day'`).catch(() => undefined);
    await fx.user.query(`ALTER DATABASE ${ident(fx.scratch.name)} SET pg_durable.health_ready_warning = '1 day'`).catch(() => undefined);
    await fx.user.query(`SET pg_durable.health_ready_warning = '1 day'`);
    await fx.user.query(`SET pg_durable.health_worker_timeout = '10 years'`);
    expect((await check(fx.user, fx.role, 'ready_work')).level).toBe('warning');
    expect((await check(fx.user, fx.role, 'workers')).level).toBe('critical');
  });

  it('are changed by an administrator for the database', async () => {
    await alterDatabase(`SET pg_durable.health_ready_warning = '1 hour'`);
    await alterDatabase(`SET pg_durable.health_ready_critical = '2 hours'`);
    try {
      expect((await check(fx.user, fx.role, 'ready_work')).level).toBe('ok');
      await alterDatabase(`SET pg_durable.health_ready_critical = 90`); // a bare number is seconds
      expect((await check(fx.user, fx.role, 'ready_work')).level).toBe('critical');
    } finally {
      await alterDatabase(`RESET pg_durable.health_ready_warning`);
      await alterDatabase(`RESET pg_durable.health_ready_critical`);
    }
    expect((await check(fx.user, fx.role, 'ready_work')).level).toBe('warning');
  });

  it('refuse values they cannot read, saying how to fix them', async () => {
    for (const [name, value, message] of [
      ['health_stuck_warning', 'soon', `pg_durable.health_stuck_warning = 'soon' is not an interval between 0 and 100 years`],
      ['health_worker_timeout', '-5 min', `pg_durable.health_worker_timeout = '-5 min' is not an interval between 0 and 100 years`],
      ['health_failures_critical', '0', `pg_durable.health_failures_critical = '0' is not a whole number of failed instances between 1 and 999999999`],
    ]) {
      await alterDatabase(`SET pg_durable.${name} = '${value}'`);
      try {
        await expect(fx.user.query(`SELECT * FROM df.health()`)).rejects.toMatchObject({
          code: '22023',
          message,
          hint: expect.stringContaining(`ALTER DATABASE … SET pg_durable.${name}`),
        });
      } finally {
        await alterDatabase(`RESET pg_durable.${name}`);
      }
    }
  });
});

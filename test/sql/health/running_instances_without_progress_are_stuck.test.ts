// The stuck_instances check: running instances whose instance and node rows have not changed
// for ten minutes (a warning) or an hour (critical), unless they wait for a timer, a schedule
// or a signal. The instance is made running for real (one step of two by CALL df.work), then
// aged by moving updated_at back as the superuser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { check } from './health.js';

let fx: EngineFixture;
let admin: pg.Client;
let id: string;
const age = async (instance: string, by: string) => {
  await admin.query(`UPDATE df.instances SET updated_at = updated_at - $1::interval WHERE id = $2`, [by, instance]);
  await admin.query(`UPDATE df.nodes SET updated_at = updated_at - $1::interval WHERE instance_id = $2`, [by, instance]);
};

beforeAll(async () => {
  fx = await engineFixture('health_stuck');
  admin = await fx.scratch.admin();
  id = await fx.value<string>(`SELECT df.start('SELECT 1' ~> 'SELECT 2')`);
  await fx.user.query(`CALL df.work(1, 5, 1)`);
});
afterAll(async () => fx?.close());

describe('stuck_instances', () => {
  it('is ok for an instance that made progress lately', async () => {
    expect(await fx.value(`SELECT df.status($1)`, [id])).toBe('running');
    expect(await check(fx.user, fx.role, 'stuck_instances')).toEqual({
      level: 'ok',
      detail: 'no running instance has gone 10 min without progress',
    });
  });

  it('is a warning for a running instance without progress for ten minutes, critical after an hour', async () => {
    await age(id, '20 min');
    expect(await check(fx.user, fx.role, 'stuck_instances')).toMatchObject({
      level: 'warning',
      detail: expect.stringMatching(
        new RegExp(`^1 running instance without progress for over 10 min, the longest for 20 min( \\d+ s)? \\(instance ${id}\\)$`),
      ),
    });
    await age(id, '2 hours');
    expect(await check(fx.user, fx.role, 'stuck_instances')).toMatchObject({
      level: 'critical',
      detail: expect.stringMatching(new RegExp(`^1 running instance without progress for over 10 min, the longest for 2 h 20 min \\(instance ${id}\\)$`)),
    });
  });

  it('leaves out instances that wait for a timer or a signal', async () => {
    const sleeping = await fx.value<string>(`SELECT df.start(df.sleep(86400) ~> 'SELECT 3')`);
    const waiting = await fx.value<string>(`SELECT df.start(df.wait_for_signal('go') ~> 'SELECT 4')`);
    for (const other of [sleeping, waiting]) {
      expect(await fx.value(`SELECT df.status($1)`, [other])).toBe('running');
      await age(other, '3 hours');
    }
    expect((await check(fx.user, fx.role, 'stuck_instances')).detail).toMatch(new RegExp(`^1 running instance .*\\(instance ${id}\\)$`));
  });

  it('is ok again once the stuck instance moves on', async () => {
    await fx.user.query(`CALL df.work(1, 5)`);
    expect(await fx.value(`SELECT df.status($1)`, [id])).toBe('completed');
    expect((await check(fx.user, fx.role, 'stuck_instances')).level).toBe('ok');
  });
});

// The workers check: ok while a worker of the role was seen within a minute (df.workers) or
// holds a step right now; without one, critical when unfinished instances wait for a worker,
// a warning when nothing does yet. Produced for real: CALL df.work, and a heartbeat aged by
// the superuser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { CHECKS, check, healthOf, holdStep } from './health.js';

let fx: EngineFixture;
let admin: pg.Client;
const ageHeartbeat = (by: string) =>
  admin.query(`UPDATE df.workers SET last_seen = now() - $1::interval WHERE owner = $2::regrole`, [by, fx.role]);

beforeAll(async () => {
  fx = await engineFixture('health_workers');
  admin = await fx.scratch.admin();
  fx.user.on('notice', () => undefined);
  await fx.user.query(`CREATE TABLE public.gate (x int)`);
});
afterAll(async () => fx?.close());

describe('workers', () => {
  it('a role that never ran a worker gets all five checks, workers a warning while nothing waits', async () => {
    const lines = await healthOf(fx.user);
    expect(lines.map((l) => [l.role, l.check_name])).toEqual(CHECKS.map((c) => [fx.role, c]));
    expect(await check(fx.user, fx.role, 'workers')).toEqual({
      level: 'warning',
      detail: 'no worker of this role has ever run; no unfinished instance waits for one',
    });
  });

  it('is critical once an instance waits for a worker that never ran', async () => {
    await fx.value(`SELECT df.start('SELECT 1')`);
    expect(await check(fx.user, fx.role, 'workers')).toEqual({
      level: 'critical',
      detail:
        'no worker of this role has ever run: 1 unfinished instance cannot advance ' +
        '(start workers: df.schedule_workers or pg-durable worker)',
    });
  });

  it('is ok once a worker has run', async () => {
    await fx.user.query(`CALL df.work(1, 5)`);
    expect(await check(fx.user, fx.role, 'workers')).toMatchObject({ level: 'ok', detail: expect.stringMatching(/^a worker was seen \d+ s ago$/) });
  });

  it('a worker not seen for over a minute is a warning, critical when work waits', async () => {
    await ageHeartbeat('2 min');
    expect(await check(fx.user, fx.role, 'workers')).toMatchObject({
      level: 'warning',
      detail: expect.stringMatching(/^no worker has run for 2 min( \d+ s)?; no unfinished instance waits for one$/),
    });
    await fx.value(`SELECT df.start('SELECT 2')`);
    await fx.value(`SELECT df.start('SELECT 3')`);
    expect(await check(fx.user, fx.role, 'workers')).toMatchObject({
      level: 'critical',
      detail: expect.stringMatching(/^no worker has run for 2 min( \d+ s)?: 2 unfinished instances cannot advance \(start workers/),
    });
  });

  it('a worker busy with one long step is alive, however old its heartbeat', async () => {
    await fx.user.query(`CALL df.work(1, 5)`);
    const id = await fx.value<string>(`SELECT df.start('SELECT count(*) FROM public.gate')`);
    const held = await holdStep(fx.url, fx.scratch.url, 'public.gate');
    try {
      await ageHeartbeat('5 min');
      expect(await check(fx.user, fx.role, 'workers')).toMatchObject({
        level: 'ok',
        detail: expect.stringMatching(/^a worker is running a step \(its last heartbeat was 5 min( \d+ s)? ago\)$/),
      });
    } finally {
      await held.release();
    }
    expect(await fx.value(`SELECT df.status($1)`, [id])).toBe('completed');
  });
});

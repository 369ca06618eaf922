// The ready_work check: due leaf activations (wake_at has come, not retired) that no worker
// holds, with the age of the oldest: ok up to a minute overdue, a warning past it, critical past
// five. A step a worker has claimed is running, not waiting, however overdue; a timer that has
// not fired yet is not due. Ages are produced by moving wake_at back as the superuser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { check, holdStep } from './health.js';

let fx: EngineFixture;
let admin: pg.Client;
const ageQueue = (by: string, instance?: string) =>
  admin.query(
    `UPDATE df.activations SET wake_at = wake_at - $1::interval
     WHERE owner = $2::regrole AND leaf AND NOT retired AND wake_at <= now() AND ($3::text IS NULL OR instance_id = $3)`,
    [by, fx.role, instance ?? null],
  );

beforeAll(async () => {
  fx = await engineFixture('health_ready');
  admin = await fx.scratch.admin();
  await fx.user.query(`CREATE TABLE public.gate (x int)`);
});
afterAll(async () => fx?.close());

describe('ready_work', () => {
  it('is ok with nothing due', async () => {
    expect(await check(fx.user, fx.role, 'ready_work')).toEqual({ level: 'ok', detail: 'no due step waits for a worker' });
  });

  it('counts due steps no worker holds and gives the age of the oldest', async () => {
    await fx.value(`SELECT df.start('SELECT 1')`);
    expect(await check(fx.user, fx.role, 'ready_work')).toMatchObject({
      level: 'ok',
      detail: expect.stringMatching(/^1 due step waits for a worker, the oldest for \d+ s$/),
    });
  });

  it('is a warning past a minute and critical past five', async () => {
    await ageQueue('2 min');
    expect(await check(fx.user, fx.role, 'ready_work')).toMatchObject({
      level: 'warning',
      detail: expect.stringMatching(/^1 due step waits for a worker, the oldest for 2 min( \d+ s)?$/),
    });
    await fx.value(`SELECT df.start('SELECT 2')`);
    await fx.value(`SELECT df.start('SELECT 3')`);
    await ageQueue('10 min');
    expect(await check(fx.user, fx.role, 'ready_work')).toMatchObject({
      level: 'critical',
      detail: expect.stringMatching(/^3 due steps wait for a worker, the oldest for 12 min( \d+ s)?$/),
    });
  });

  it('leaves out timers that have not fired', async () => {
    await fx.value(`SELECT df.start(df.sleep(3600) ~> 'SELECT 4')`);
    expect((await check(fx.user, fx.role, 'ready_work')).detail).toMatch(/^3 due steps wait for a worker/);
  });

  it('counts a step a worker holds as running, not waiting, however overdue', async () => {
    await fx.user.query(`CALL df.work(1, 5)`);
    expect(await check(fx.user, fx.role, 'ready_work')).toEqual({ level: 'ok', detail: 'no due step waits for a worker' });
    const id = await fx.value<string>(`SELECT df.start('SELECT count(*) FROM public.gate')`);
    await ageQueue('10 min', id);
    expect((await check(fx.user, fx.role, 'ready_work')).level).toBe('critical');
    const held = await holdStep(fx.url, fx.scratch.url, 'public.gate');
    try {
      expect(await check(fx.user, fx.role, 'ready_work')).toEqual({
        level: 'ok',
        detail: 'no due step waits for a worker; 1 running now',
      });
      // The superuser sees the same through df._health_all's rights as through its own.
      expect(await check(admin, fx.role, 'ready_work')).toEqual({ level: 'ok', detail: 'no due step waits for a worker; 1 running now' });
    } finally {
      await held.release();
    }
    expect(await fx.value(`SELECT df.status($1)`, [id])).toBe('completed');
  });
});

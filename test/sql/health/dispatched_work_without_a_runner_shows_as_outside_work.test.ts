// The outside_work check: dispatched steps (an HTTP request here) that no runner holds, aged
// by the oldest with the ready_work thresholds; a leased one is in flight, and one whose lease
// ran out waits again. Such an instance is waiting for a runner, not stuck. Ages are produced
// by moving dispatched_at back as the superuser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { waitFor } from '../../support/slow-step.js';
import { check } from './health.js';

let fx: EngineFixture;
let admin: pg.Client;
beforeAll(async () => {
  fx = await engineFixture('health_outside');
  admin = await fx.scratch.admin();
  await admin.query(`SELECT df.grant_usage($1, include_http => true)`, [fx.role]);
  await fx.startWorkers(1);
});
afterAll(async () => fx?.close());

const dispatched = () => fx.value<number>(`SELECT count(*)::int FROM df.dispatches`);
const age = (by: string) =>
  admin.query(`UPDATE df.dispatches SET dispatched_at = dispatched_at - $1::interval WHERE owner = $2::regrole`, [by, fx.role]);

describe('outside_work', () => {
  it('is ok with nothing dispatched', async () => {
    expect(await check(fx.user, fx.role, 'outside_work')).toEqual({ level: 'ok', detail: 'no dispatched step waits for a runner' });
  });

  it('counts dispatched steps no runner holds, a warning past a minute and critical past five', async () => {
    await fx.value(`SELECT df.start(df.http('http://127.0.0.1:9/a', 'GET'))`);
    await fx.value(`SELECT df.start(df.http('http://127.0.0.1:9/b', 'GET'))`);
    await waitFor('both steps to be dispatched', async () => (await dispatched()) === 2);
    expect(await check(fx.user, fx.role, 'outside_work')).toMatchObject({
      level: 'ok', detail: expect.stringMatching(/^2 dispatched steps wait for a runner, the oldest for \d+ s \(runners: pg-durable worker\)$/),
    });
    await age('2 min');
    expect((await check(fx.user, fx.role, 'outside_work')).level).toBe('warning');
    await age('10 min');
    expect(await check(fx.user, fx.role, 'outside_work')).toMatchObject({
      level: 'critical', detail: expect.stringMatching(/^2 dispatched steps wait for a runner, the oldest for 12 min( \d+ s)?/),
    });
    // Waiting for a runner is not being stuck.
    expect((await check(fx.user, fx.role, 'stuck_instances')).level).toBe('ok');
  });

  it('counts a leased step as in flight, and one whose lease ran out as waiting again', async () => {
    const { rows } = await fx.user.query(`SELECT activation_id FROM df.claim_dispatched('http', 'r', 1)`);
    expect(await check(fx.user, fx.role, 'outside_work')).toMatchObject({
      detail: expect.stringMatching(/^1 dispatched step waits for a runner, .*; 1 in flight$/),
    });
    await fx.user.query(`UPDATE df.dispatches SET lease_until = now() - interval '1 s' WHERE activation_id = $1`, [rows[0].activation_id]);
    expect((await check(fx.user, fx.role, 'outside_work')).detail).toMatch(/^2 dispatched steps wait for a runner, [^;]*$/);
  });

  it('forgets work that was cancelled', async () => {
    const { rows } = await fx.user.query(`SELECT instance_id FROM df.list_instances()`);
    expect(rows.length).toBe(2);
    for (const r of rows) await fx.value('SELECT df.cancel($1)', [r.instance_id]);
    expect(await check(fx.user, fx.role, 'outside_work')).toEqual({ level: 'ok', detail: 'no dispatched step waits for a runner' });
  });
});

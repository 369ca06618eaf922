// The failures check: instances of the role that failed in the last hour, with the latest one
// named; a warning from the first, critical from ten (administrators' thresholds). Failures
// are produced by workflows that fail; an older one is made by moving updated_at back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { ident } from '../../support/roles.js';
import { runWorkflow } from '../../support/workflow.js';
import { check } from './health.js';

let fx: EngineFixture;
let admin: pg.Client;

beforeAll(async () => {
  fx = await engineFixture('health_failures');
  admin = await fx.scratch.admin();
  await fx.startWorkers(1);
});
afterAll(async () => fx?.close());

describe('failures', () => {
  it('is ok when nothing failed, whatever completed', async () => {
    expect((await runWorkflow(fx, `'SELECT 1'`)).status).toBe('completed');
    expect(await check(fx.user, fx.role, 'failures')).toEqual({ level: 'ok', detail: 'no instance failed in the last hour' });
  });

  it('counts a failed instance as a warning and names it', async () => {
    const failed = await runWorkflow(fx, `'SELECT 1/0'`);
    expect(failed.status).toBe('failed');
    expect(await check(fx.user, fx.role, 'failures')).toEqual({
      level: 'warning',
      detail: `1 instance failed in the last hour, the latest ${failed.id} (df.error says why)`,
    });
    // Cancelled is not failed.
    const sleeper = await fx.value<string>(`SELECT df.start(df.sleep(3600))`);
    await fx.value(`SELECT df.cancel($1, 'not needed')`, [sleeper]);
    expect((await check(fx.user, fx.role, 'failures')).detail).toMatch(/^1 instance failed/);
    // An hour later it no longer counts.
    await admin.query(`UPDATE df.instances SET updated_at = updated_at - interval '61 min' WHERE id = $1`, [failed.id]);
    expect(await check(fx.user, fx.role, 'failures')).toEqual({ level: 'ok', detail: 'no instance failed in the last hour' });
  });

  it("is critical from the administrator's threshold on", async () => {
    await admin.query(`ALTER DATABASE ${ident(fx.scratch.name)} SET pg_durable.health_failures_critical = 2`);
    try {
      const first = await runWorkflow(fx, `df.retry('SELECT 1/0', 2, 0.1)`);
      expect((await check(fx.user, fx.role, 'failures')).level).toBe('warning');
      const second = await runWorkflow(fx, `'SELECT pg_catalog.int4div(1, 0)'`);
      expect([first.status, second.status]).toEqual(['failed', 'failed']);
      expect(await check(fx.user, fx.role, 'failures')).toEqual({
        level: 'critical',
        detail: `2 instances failed in the last hour, the latest ${second.id} (df.error says why)`,
      });
    } finally {
      await admin.query(`ALTER DATABASE ${ident(fx.scratch.name)} RESET pg_durable.health_failures_critical`);
    }
    expect((await check(fx.user, fx.role, 'failures')).level).toBe('warning');
  });
});

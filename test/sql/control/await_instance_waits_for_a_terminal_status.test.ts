// df.await_instance: returns the terminal status, sees progress made while it waits, and fails
import type pg from 'pg';
// clearly on an unknown id, a timeout, a non-positive timeout and inside a workflow (spec 4).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow, startWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('c_await');
  await fx.startWorkers(1);
});
afterAll(async () => fx?.close());

const awaitIt = (id: string, timeout?: number) =>
  timeout === undefined
    ? fx.value<string>('SELECT df.await_instance($1)', [id])
    : fx.value<string>('SELECT df.await_instance($1, $2)', [id, timeout]);

describe('df.await_instance', () => {
  it('returns completed, failed or cancelled', async () => {
    expect(await awaitIt(await startWorkflow(fx, `'SELECT 1'`))).toBe('completed');
    expect(await awaitIt(await startWorkflow(fx, `'SELECT 1/0'`))).toBe('failed');
    const waiting = await startWorkflow(fx, `df.wait_for_signal('go')`);
    await fx.value('SELECT df.cancel($1)', [waiting]);
    expect(await awaitIt(waiting, 5)).toBe('cancelled');
  });

  it('sees progress that workers commit while it waits, inside one statement', async () => {
    const id = await startWorkflow(fx, `df.sleep(1) ~> 'SELECT 1'`);
    expect(await awaitIt(id, 10)).toBe('completed');
  });

  it('works inside an explicit transaction of the caller', async () => {
    const id = await startWorkflow(fx, `df.sleep(1) ~> 'SELECT 1'`);
    await fx.user.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    try {
      expect(await awaitIt(id, 10)).toBe('completed');
    } finally {
      await fx.user.query('COMMIT');
    }
  });

  it('fails on an unknown id', async () => {
    await expect(awaitIt('ffffffff', 1)).rejects.toThrow('Instance not found or access denied: ffffffff');
  });

  it('fails on timeout naming the status and telling to check the workers', async () => {
    const id = await startWorkflow(fx, `df.wait_for_signal('never')`);
    const started = Date.now();
    const err = (await awaitIt(id, 1).catch((e: Error) => e)) as pg.DatabaseError;
    expect(err).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(err.message).toBe(`timed out after 1 s waiting for instance ${id} (status: running)`);
    expect(err.code).toBe('55000');
    expect(err.hint).toBe(
      'Check that workers are running for its role (pg-durable worker, or df.schedule_workers), and check that the df.start() call was committed.',
    );
    await fx.value('SELECT df.cancel($1)', [id]);
  });

  it('names the pending status when no worker is running', async () => {
    await fx.stopWorkers();
    try {
      const id = await startWorkflow(fx, `'SELECT 1'`);
      await expect(awaitIt(id, 1)).rejects.toMatchObject({
        message: expect.stringMatching(/\(status: pending\)$/),
        hint: expect.stringMatching(/workers/),
      });
    } finally {
      await fx.startWorkers(1);
    }
  });

  it('fails on a non-positive timeout', async () => {
    const id = await startWorkflow(fx, `'SELECT 1'`);
    await expect(awaitIt(id, 0)).rejects.toThrow(/timeout/);
    await expect(awaitIt(id, -3)).rejects.toThrow(/timeout/);
  });

  it('fails inside a workflow step', async () => {
    const done = await runWorkflow(fx, `'SELECT df.await_instance(''{sys_instance_id}'', 1)'`);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/df\.await_instance\(\) cannot be called inside a workflow/);
  });

  it('cannot be passed as a step: its return value is refused with a hint', async () => {
    const id = await startWorkflow(fx, `'SELECT 1'`);
    await expect(fx.value(`SELECT df.start(df.await_instance($1))`, [id])).rejects.toThrow(/before df\.start\(\)/);
  });
});

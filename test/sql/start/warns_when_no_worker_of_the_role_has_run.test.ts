// First steps: a role that starts a workflow while none of its workers has run recently is
// told that nothing will run yet, and how to start a worker; df.await_instance says so too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';

let fx: EngineFixture;
const notices: string[] = [];
beforeAll(async () => {
  fx = await engineFixture('no_worker_notice');
  fx.user.on('notice', (n) => notices.push(n.message ?? ''));
});
afterAll(async () => fx?.close());

describe('without a worker of the role', () => {
  it('df.start gives a NOTICE and df.await_instance a timeout that say what to do', async () => {
    const id = await fx.value<string>(`SELECT df.start('SELECT 1')`);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toBe(
      `no worker of role ${fx.role} has run in the last 90 seconds: nothing of this workflow runs until one does ` +
        `(an administrator: SELECT df.schedule_workers('${fx.role}'); or from outside: pg-durable worker --url …)`,
    );
    await expect(fx.value(`SELECT df.await_instance($1, 1)`, [id])).rejects.toMatchObject({
      message: `timed out after 1 s waiting for instance ${id} (status: pending)`,
      code: '55000',
      hint:
        'No worker of this role has run in the last 90 seconds: start one (pg-durable worker, or df.schedule_workers), ' +
        'and check that the df.start() call was committed.',
    });
  });

  it('is quiet once a worker of the role has run', async () => {
    await fx.user.query(`CALL df.work(1, 5)`);
    notices.length = 0;
    await fx.value(`SELECT df.start('SELECT 2')`);
    expect(notices).toEqual([]);
  });
});

// Real plv8 keeps every statement's converted arguments until the CALL ends, and a step's
// result reaches its checkpoint as an argument: one df.work call ends once it has bound 64 MiB,
// so a worker's memory stays bounded on real plv8 too (the next call carries on).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('work_bound');
});
afterAll(async () => fx?.close());

describe('CALL df.work', () => {
  it('returns after binding about 64 MiB of step results, with work still waiting', async () => {
    await fx.user.query(`SELECT df.start('SELECT repeat(''x'', 1048576) AS big') FROM generate_series(1, 50)`);
    await fx.user.query(`CALL df.work(600, 5, 50)`);
    // A one-step instance binds its 1 MiB result twice: as the node's and as the instance's.
    const completed = await fx.value<number>(`SELECT count(*)::int FROM df.instances WHERE status = 'completed'`);
    expect(completed).toBeGreaterThanOrEqual(30);
    expect(completed).toBeLessThanOrEqual(32);
    await fx.user.query(`CALL df.work(600, 5, $1)`, [50 - completed]);
    expect(await fx.value(`SELECT count(*)::int FROM df.instances WHERE status = 'completed'`)).toBe(50);
  });
});

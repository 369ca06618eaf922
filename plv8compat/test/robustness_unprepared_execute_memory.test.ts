// Memory of unprepared plv8.execute in a long CALL, as on real plv8: its result set (and, with
// arguments, its plan) is never freed, so inside a CALL that commits per step every
// row-returning statement stays allocated until the CALL ends; prepared plans executed and
// freed stay flat. Engine code must use the latter for row-returning work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usesPrivateCluster } from '../../test/support/server.js';
import { peakRssDuring, plv8Scratch, type Scratch } from './helpers.js';

let s: Scratch;

beforeAll(async () => {
  s = await plv8Scratch('unprepared_memory');
  const c = await s.admin();
  // Each step reads one 100 kB row and commits.
  await c.query(`create procedure m_rows(k int, how text) language plv8 as $$
    for (let i = 0; i < k; i++) {
      if (how === 'execute') plv8.execute('SELECT repeat($1, 100000) AS s', ['x']);
      else if (how === 'execute without arguments') plv8.execute("SELECT repeat('x', 100000) AS s");
      else if (how === 'prepare, execute, free') {
        const p = plv8.prepare('SELECT repeat($1, 100000) AS s', ['text']);
        p.execute(['x']);
        p.free();
      } else if (how === 'kept plan') {
        if (!globalThis.keptPlan) globalThis.keptPlan = plv8.prepare('SELECT repeat($1, 100000) AS s', ['text']);
        globalThis.keptPlan.execute(['x']);
      } else throw new Error('unknown way ' + how);
      plv8.commit();
    }
  $$`);
});
afterAll(async () => {
  await s?.drop();
});

/** How much more the backend peaks at over a 400-step CALL than over a 100-step one (kB). */
async function growth(how: string): Promise<number> {
  const warmup = `call m_rows(10, '${how}')`;
  const short = await peakRssDuring(s, warmup, `call m_rows(100, '${how}')`);
  const long = await peakRssDuring(s, warmup, `call m_rows(400, '${how}')`);
  return long - short;
}

describe.skipIf(!usesPrivateCluster())('memory of row-returning statements in one long CALL', () => {
  for (const how of ['execute', 'execute without arguments']) {
    it(`unprepared plv8.${how} keeps every result until the CALL ends (300 more steps: ≥ 20 MiB more)`, async () => {
      expect(await growth(how)).toBeGreaterThan(20 * 1024);
    }, 120_000);
  }

  for (const how of ['prepare, execute, free', 'kept plan']) {
    it(`${how}: flat (300 more steps: < 4 MiB more)`, async () => {
      expect(await growth(how)).toBeLessThan(4 * 1024);
    }, 120_000);
  }
});

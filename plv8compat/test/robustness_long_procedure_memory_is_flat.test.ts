// Robustness: one long CALL in the workflow worker's shape (prepared statements kept for the
// session or prepared / executed / freed, subtransactions, caught SQL errors, commit / rollback
// in a loop) keeps its backend's memory flat. Unprepared plv8.execute is left out on purpose:
// like real plv8, it keeps every result until the CALL ends (see
// robustness_unprepared_execute_memory.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usesPrivateCluster } from '../../test/support/server.js';
import { peakRssDuring, plv8Scratch, type Scratch } from './helpers.js';

let s: Scratch;

beforeAll(async () => {
  s = await plv8Scratch('long_call_memory');
  const c = await s.admin();
  await c.query(`create table t (id int primary key, n int not null default 0, doc jsonb)`);
  await c.query(`insert into t values (1, 0, '{}')`);
  await c.query(`create procedure m_work(k int) language plv8 as $$
    const read = plv8.prepare('SELECT id, n, doc FROM t WHERE id = $1', ['int4']);
    const bump = plv8.prepare('UPDATE t SET n = n + 1, doc = $2 WHERE id = $1', ['int4', 'jsonb']);
    const calc = plv8.prepare('SELECT $1::int + 1 AS v, $2::text AS s', ['int4', 'text']);
    const div = plv8.prepare('SELECT 1 / $1::int AS q', ['int4']);
    const once = (sql, args) => { const p = plv8.prepare(sql); try { return p.execute(args) } finally { p.free() } };
    for (let i = 0; i < k; i++) {
      read.execute([1]);                                                    // prepared, rows
      bump.execute([1, {step: i, tag: 'x' + (i % 7)}]);                     // prepared, count
      calc.execute([i, 'y']);                                               // prepared, args
      if (i % 10 === 0) once('SELECT count(*) AS c FROM t', []);            // prepared, run, freed
      if (i % 10 === 1) plv8.subtransaction(() => read.execute([1]));
      if (i % 10 === 2) { try { div.execute([0]); } catch (e) {} }
      if (i % 10 === 3) { try { plv8.subtransaction(() => { bump.execute([1, {}]); throw new Error('undo'); }); } catch (e) {} }
      if (i % 10 === 5) once('SELECT now() AS t, $1::int AS i', [i]);
      if (i % 10 === 6) { try { once('SELECT 1 / $1::int', [0]); } catch (e) {} }
      if (i % 10 === 4) plv8.rollback(); else plv8.commit();
    }
  $$`);
});
afterAll(async () => {
  await s?.drop();
});

describe('memory of one long CALL', () => {
  it.skipIf(!usesPrivateCluster())('is flat: a 200,000-iteration CALL peaks where a 50,000-iteration one does', async () => {
    const short = await peakRssDuring(s, 'call m_work(10)', 'call m_work(50000)');
    const long = await peakRssDuring(s, 'call m_work(10)', 'call m_work(200000)');
    // Before the fix this grew by tens of MiB (≈ 300 bytes per iteration).
    expect(long - short).toBeLessThan(4 * 1024);
  }, 300_000);
});

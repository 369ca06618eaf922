// Robustness: one long CALL (the workflow worker's shape: prepared statements, plv8.execute,
// subtransactions, caught SQL errors, commit / rollback in a loop) keeps its backend's memory flat.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usesPrivateCluster } from '../../test/support/server.js';
import { backendPid, plv8Scratch, session, type Scratch } from './helpers.js';

let s: Scratch;

beforeAll(async () => {
  s = await plv8Scratch('long_call_memory');
  const c = await s.admin();
  await c.query(`create table t (id int primary key, n int not null default 0, doc jsonb)`);
  await c.query(`insert into t values (1, 0, '{}')`);
  await c.query(`create procedure m_work(k int) language plv8 as $$
    const read = plv8.prepare('SELECT id, n, doc FROM t WHERE id = $1', ['int4']);
    const bump = plv8.prepare('UPDATE t SET n = n + 1, doc = $2 WHERE id = $1', ['int4', 'jsonb']);
    for (let i = 0; i < k; i++) {
      read.execute([1]);                                                    // prepared, rows
      bump.execute([1, {step: i, tag: 'x' + (i % 7)}]);                     // prepared, count
      plv8.execute('SELECT $1::int + 1 AS v, $2::text AS s', [i, 'y']);     // unprepared, args
      if (i % 10 === 0) plv8.execute('SELECT count(*) AS c FROM t');        // unprepared, no args
      if (i % 10 === 1) plv8.subtransaction(() => read.execute([1]));
      if (i % 10 === 2) { try { plv8.execute('SELECT 1 / $1::int', [0]); } catch (e) {} }
      if (i % 10 === 3) { try { plv8.subtransaction(() => { bump.execute([1, {}]); throw new Error('undo'); }); } catch (e) {} }
      if (i % 10 === 5) { const p = plv8.prepare('SELECT now() AS t'); p.execute([]); p.free(); }
      if (i % 10 === 4) plv8.rollback(); else plv8.commit();
    }
  $$`);
});
afterAll(async () => {
  await s?.drop();
});

function rssAnonKb(pid: number): number {
  const m = /RssAnon:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no RssAnon for ${pid}`);
  return Number(m[1]);
}

/** Peak RssAnon (kB) of a fresh session's backend while it runs `call m_work(k)`. */
async function peakDuringCall(k: number): Promise<number> {
  const c = await session(s);
  try {
    const pid = await backendPid(c);
    await c.query('set synchronous_commit = off'); // one commit per iteration: keep it quick
    await c.query('call m_work(10)'); // warm up: the isolate, caches
    let peak = rssAnonKb(pid);
    const timer = setInterval(() => {
      try {
        peak = Math.max(peak, rssAnonKb(pid));
      } catch {
        /* the backend is gone: the query will fail */
      }
    }, 20);
    try {
      await c.query(`call m_work(${k})`);
    } finally {
      clearInterval(timer);
    }
    return Math.max(peak, rssAnonKb(pid));
  } finally {
    await c.end();
  }
}

describe('memory of one long CALL', () => {
  it.skipIf(!usesPrivateCluster())('is flat: a 200,000-iteration CALL peaks where a 50,000-iteration one does', async () => {
    const short = await peakDuringCall(50_000);
    const long = await peakDuringCall(200_000);
    // Before the fix this grew by tens of MiB (≈ 300 bytes per iteration).
    expect(long - short).toBeLessThan(4 * 1024);
  }, 300_000);
});

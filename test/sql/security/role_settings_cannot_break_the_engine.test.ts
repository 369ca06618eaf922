// Class 9 (role settings). A role's own settings are its business, but they must not turn
// the engine's bookkeeping into failed instances, nor make a step retry silently forever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { tenants, type Tenants } from '../../support/tenants.js';
import { ident } from '../../support/roles.js';

let t: Tenants;

beforeAll(async () => {
  t = await tenants('settings');
});
afterAll(async () => {
  await t?.close();
});

describe('role settings', () => {
  it('serializable isolation: serialization failures of the bookkeeping are retried, never failed', async () => {
    const [v] = t.victims;
    await t.monitor.query(`ALTER ROLE ${ident(v.role)} SET default_transaction_isolation = 'serializable'`);
    await v.startWorkers(2);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      ids.push(await v.value<string>(`SELECT df.start(('SELECT 1 AS a' |=> 'a') ~> df.join('SELECT $a + 1 AS b', 'SELECT $a + 2 AS c') ~> 'SELECT 3 AS d')`));
    }
    // A serializable transaction keeps one snapshot, so waiting needs READ COMMITTED.
    await expect(v.value(`SELECT df.await_instance($1, 1)`, [ids[0]])).rejects.toThrow(
      'df.await_instance() cannot see workers\' progress in a serializable transaction',
    );
    const statuses = [];
    for (const id of ids) {
      const c = await v.client();
      await c.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      statuses.push((await c.query(`SELECT df.await_instance($1, 60) AS s`, [id])).rows[0].s);
      await c.query('COMMIT');
    }
    expect(statuses.filter((s) => s !== 'completed')).toEqual([]);
  });

  it('a statement_timeout shorter than a step ends the step in a visible, explained failure', async () => {
    const [, v] = t.victims;
    await t.monitor.query(`ALTER ROLE ${ident(v.role)} SET statement_timeout = '1s'`);
    // A worker session that keeps the role's statement_timeout (the CLI's turns it off).
    const worker = new pg.Client({ connectionString: v.url });
    worker.on('error', () => undefined);
    await worker.connect();
    try {
      expect((await worker.query(`SHOW statement_timeout`)).rows[0].statement_timeout).toBe('1s');
      const slow = await v.value<string>(`SELECT df.start('SELECT pg_sleep(3) AS slept')`);
      const fast = await v.value<string>(`SELECT df.start('SELECT 1 AS a' ~> 'SELECT 2 AS b' ~> 'SELECT 3 AS c')`);
      const interrupted: string[] = [];
      for (let i = 0; i < 12; i++) {
        const s = await v.value<string>(`SELECT df.status($1)`, [slow]);
        if (s === 'failed' && (await v.value(`SELECT df.status($1)`, [fast])) === 'completed') break;
        await worker.query(`CALL df.work(5, 5)`).catch((e: Error) => interrupted.push(e.message));
      }
      expect(interrupted.length).toBeGreaterThanOrEqual(3);
      expect(interrupted.every((m) => m.includes('statement timeout'))).toBe(true);
      expect(await v.value(`SELECT df.status($1)`, [fast])).toBe('completed');
      expect(await v.value(`SELECT df.status($1)`, [slow])).toBe('failed');
      expect(await v.value(`SELECT df.error($1)`, [slow])).toMatch(/interrupted 3 times.*statement_timeout \(1000 ms\)/);

      // A timeout too short for any step gets an explanation, not a worker that never works.
      await worker.query(`SET statement_timeout = '50ms'`);
      await expect(worker.query(`CALL df.work(5, 5)`)).rejects.toThrow(
        "df.work cannot run steps within this session's statement_timeout (50 ms)",
      );
    } finally {
      await worker.end();
    }
  });
});

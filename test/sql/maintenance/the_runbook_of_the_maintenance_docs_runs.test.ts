// docs/maintenance.md, run as written: its first example, and the runbook (its blocks tagged
// maintenance:tables, :pick and :start), which must also be the statements the demo runs
// (src/cli/maintenance-runbook.ts). The runbook ends vacuumed after an approval, and skipped
// when no answer comes in time.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { waitFor } from '../../support/slow-step.js';
import type { WorkerPool } from '../../../src/cli/worker-pool.js';
import { RUNBOOK_PICK, RUNBOOK_SIGNAL, RUNBOOK_START, RUNBOOK_TABLES } from '../../../src/cli/maintenance-runbook.js';
import { finishWorkflow, statementPool, vacuumCount, waitForVacuums } from './maintenance.js';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/maintenance.md', import.meta.url)), 'utf8');
const block = (tag: string): string => {
  const found = new RegExp('```sql maintenance:' + tag + '\\n([\\s\\S]*?)\\n```').exec(doc);
  if (!found) throw new Error(`docs/maintenance.md has no block maintenance:${tag}`);
  return found[1];
};

let fx: EngineFixture;
let pool: WorkerPool;
beforeAll(async () => {
  fx = await engineFixture('maint_runbook');
  await fx.user.query(`
    CREATE TABLE orders (id int PRIMARY KEY, customer_id int);
    INSERT INTO orders SELECT i, i % 100 FROM generate_series(1, 1000) i;
    CREATE TABLE events (id int PRIMARY KEY, payload text);
    INSERT INTO events SELECT i, md5(i::text) FROM generate_series(1, 20000) i;
    DELETE FROM events WHERE id % 4 <> 0;`);
  pool = await statementPool(fx.url);
});
afterAll(async () => {
  await pool?.stop();
  await fx?.close();
});

describe('docs/maintenance.md', () => {
  it('shows the runbook the demo runs', () => {
    expect(block('tables')).toBe(RUNBOOK_TABLES);
    expect(block('pick')).toBe(RUNBOOK_PICK);
    expect(block('start')).toBe(RUNBOOK_START);
  });

  it('its first example rebuilds an index and vacuums the table', async () => {
    const id = await fx.value<string>(block('example'));
    const done = await finishWorkflow(fx, id);
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [], row_count: 0 });
    expect(await fx.value(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_customer_idx'::regclass`)).toBe(true);
  });

  describe('the runbook', () => {
    beforeAll(async () => {
      await fx.user.query(block('tables'));
      // The dead tuples of the DELETE reach the statistics when its session flushes them.
      await waitFor('the statistics', async () => (await fx.value<number>(`SELECT n_dead_tup::int FROM pg_stat_user_tables WHERE relname = 'events'`)) > 0, 30_000);
    });

    it('reports the most bloated table, waits for the approval, vacuums it and records the outcome', async () => {
      const before = await vacuumCount(fx, 'events');
      await fx.user.query(block('pick'));
      expect(await fx.value(`SELECT df.getvar('target')`)).toBe('public.events');
      const id = await fx.value<string>(block('start'));
      await waitFor('the report', async () => (await fx.value<number>(`SELECT count(*)::int FROM maintenance_reports`)) === 1);
      expect(await vacuumCount(fx, 'events')).toBe(before);
      await fx.user.query(`SELECT df.signal($1, $2, $3)`, [id, RUNBOOK_SIGNAL.name, RUNBOOK_SIGNAL.data]);
      const done = await finishWorkflow(fx, id);
      expect(done.error).toBeNull();
      expect(done.result).toEqual({ rows: [{ outcome: 'vacuumed' }], row_count: 1 });
      await waitForVacuums(fx, 'events', before + 1);
      const report = await fx.value<Record<string, unknown>>(
        `SELECT row_to_json(r) FROM (SELECT target, dead_tuples > 10000 AS many, decision, decided_by, outcome, finished_at IS NOT NULL AS finished
                                     FROM maintenance_reports ORDER BY id DESC LIMIT 1) r`,
      );
      expect(report).toEqual({ target: 'public.events', many: true, decision: 'approved', decided_by: 'alice', outcome: 'vacuumed', finished: true });
    });

    it('without an answer in time, skips the vacuum', async () => {
      const before = await vacuumCount(fx, 'events');
      await fx.user.query(block('pick'));
      const id = await fx.value<string>(block('start').replace("df.wait_for_signal('approval', 3600)", "df.wait_for_signal('approval', 1)"));
      const done = await finishWorkflow(fx, id);
      expect(done.result).toEqual({ rows: [{ outcome: 'skipped' }], row_count: 1 });
      expect(await fx.value(`SELECT decision FROM maintenance_reports ORDER BY id DESC LIMIT 1`)).toBe('no answer');
      expect(await vacuumCount(fx, 'events')).toBe(before);
    });
  });
});

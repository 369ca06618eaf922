// Classes 10 and 11 (a stuck head of the queue; signals without bounds). Rows a role writes
// by hand into its own queue cannot make its worker spin, buffered signals are capped per
// instance, and they end with their instance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenants, type Tenants } from '../../support/tenants.js';
import { runWorkflow } from '../../support/workflow.js';

let t: Tenants;

beforeAll(async () => {
  t = await tenants('queue');
  await t.attacker.startWorkers(1);
});
afterAll(async () => {
  await t?.close();
});

describe('queue', () => {
  it('an activation the worker cannot run is not claimed again and again', async () => {
    const a = t.attacker;
    const c = await a.client();
    const own = await a.value<string>(`SELECT df.start(df.sleep(3600))`);
    await c.query(
      `INSERT INTO df.activations (instance_id, node_id, slot, leaf, wake_at) VALUES ($1, 999, 'root', true, '-infinity')`,
      [own],
    );
    const done = await runWorkflow(a, `'SELECT 1 AS a' ~> 'SELECT 2 AS b'`);
    expect(done.status).toBe('completed');
    expect(await a.value(`SELECT count(*)::int FROM df.activations WHERE node_id = 999 AND NOT retired`)).toBe(0);
    expect(await a.value(`SELECT df.error($1)`, [own])).toContain('has no node 999');
  });
});

describe('signals', () => {
  it('are capped per instance with a clear error', async () => {
    const [v] = t.victims;
    const id = await v.value<string>(`SELECT df.start(df.wait_for_signal('never', 60))`);
    await v.value(`SELECT count(df.signal($1, 'other', g::text)) FROM generate_series(1, 1000) g`, [id]);
    await expect(v.value(`SELECT df.signal($1, 'other', 'one too many')`, [id])).rejects.toThrow(
      `instance ${id} already keeps 1000 signals that no wait has consumed`,
    );
    await v.value(`SELECT df.cancel($1)`, [id]);
    expect(await v.value(`SELECT count(*)::int FROM df.signals WHERE instance_id = $1 AND NOT retired`, [id])).toBe(0);
  });

  it('end with their instance', async () => {
    const [, v] = t.victims;
    await v.startWorkers(1);
    const id = await v.value<string>(`SELECT df.start(df.wait_for_signal('go', 60))`);
    await v.value(`SELECT df.signal($1, 'spare', '1')`, [id]);
    await v.value(`SELECT df.signal($1, 'go', '1')`, [id]);
    expect(await v.value(`SELECT df.await_instance($1, 30)`, [id])).toBe('completed');
    expect(await v.value(`SELECT count(*)::int FROM df.signals WHERE instance_id = $1 AND NOT retired`, [id])).toBe(0);
  });
});

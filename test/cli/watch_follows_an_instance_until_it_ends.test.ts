// `pg-durable watch ID` as a child process, following real instances run by this file's
// workers: a line per change when its output is not a terminal, JSON objects with --json, a
// redrawn screen on a terminal, and an exit code that says how the instance ended.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { startWorkflow } from '../support/workflow.js';
import { waitFor } from '../support/slow-step.js';
import { runCli, runCliOnTerminal, startCli, startCliOnTerminal, type CliResult } from './run-cli.js';

let fx: EngineFixture;
const ESC = '\x1b';
// Three steps of 0.4 s: several reads at the default interval of 0.5 s see it change.
const THREE_STEPS = `'SELECT pg_sleep(0.4)' ~> 'SELECT pg_sleep(0.4)' ~> 'SELECT 42 AS answer'`;
const GATE = `df.wait_for_signal('go', 300)`;

beforeAll(async () => {
  fx = await engineFixture('cli_watch');
  await fx.startWorkers(2);
});
afterAll(async () => fx?.close());

const watch = (id: string, ...args: string[]) => runCli(['watch', id, ...args, '--url', fx.url]);

/**
 * Starts `steps` behind a signal wait, watches the instance, and lets it go only once the
 * watch has shown it: however slowly the child process starts, it sees every step run.
 * Nodes: 1 THEN, 2 SIGNAL, then `steps` (THREE_STEPS: 3 and 4 THEN, the steps 5, 6 and 7).
 */
async function watchFromTheStart(steps: string, label: string, args: string[], terminal = false): Promise<{ id: string; r: CliResult }> {
  const id = await startWorkflow(fx, `${GATE} ~> (${steps}), '${label}'`);
  const all = ['watch', id, ...args, '--url', fx.url];
  const running = terminal ? startCliOnTerminal(all) : startCli(all);
  await waitFor('the first read', async () => running.stdout().includes(id));
  await fx.value(`SELECT df.signal($1, 'go')`, [id]);
  return { id, r: await running.done };
}

describe('pg-durable watch, not on a terminal', () => {
  it('prints the tree once, then one line per change, then how it ended; exits 0 when completed', async () => {
    const { id, r } = await watchFromTheStart(THREE_STEPS, 'watched', []);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(ESC);
    const [first, ...rest] = r.stdout.split('\n\n');
    // The first block: the instance and df.explain's tree (as the first read saw it).
    expect(first.split('\n')[0]).toBe(`Instance: ${id} (watched)`);
    expect(rest[0]).toBe("SIGNAL 'go' (300s) ⏳\n→ SQL: SELECT pg_sleep(0.4) ○\n→ SQL: SELECT pg_sleep(0.4) ○\n→ SQL: SELECT 42 AS answer ○");
    // Then the changes, in the order they happened, each step's at most once per status.
    const events = r.stdout.split('\n').filter((l) => /^\[[^\]]+\] /.test(l)).map((l) => l.replace(/^\[[^\]]+\] /, ''));
    const at = (line: string) => events.indexOf(line);
    expect(at("node 2 completed: SIGNAL 'go' (300s)")).toBe(0);
    expect(at('node 7 completed: SQL: SELECT 42 AS answer')).toBeGreaterThan(-1);
    expect(at('node 5 completed: SQL: SELECT pg_sleep(0.4)')).toBeGreaterThan(0);
    expect(at('node 5 completed: SQL: SELECT pg_sleep(0.4)')).toBeLessThan(at('node 6 completed: SQL: SELECT pg_sleep(0.4)'));
    expect(at('node 6 completed: SQL: SELECT pg_sleep(0.4)')).toBeLessThan(at('node 7 completed: SQL: SELECT 42 AS answer'));
    expect(events.at(-1)).toBe('instance completed');
    expect(new Set(events).size).toBe(events.length);
    // The end: the final status, progress and result.
    expect(rest.at(-1)!.trimEnd().split('\n')).toEqual([
      `Instance: ${id} (watched)`,
      'Status:   ✓ completed',
      'Progress: [####################] 4/4 steps (4 completed)',
      expect.stringMatching(/^Elapsed: {2}\S+$/),
      'Result:   {"rows":[{"answer":42}],"row_count":1}',
    ]);
  });

  it('exits 3 when the instance fails, with its error', async () => {
    const { r } = await watchFromTheStart(`'SELECT 1/0'`, 'fails', []);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('] node 3 failed: SQL: SELECT 1/0\n'); // 1 THEN, 2 SIGNAL, 3 the step
    expect(r.stdout).toContain('] instance failed\n');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('Error:    division by zero');
  });

  it('exits 4 when the instance is cancelled while it is watched', async () => {
    const id = await startWorkflow(fx, `'SELECT 1' ~> df.wait_for_signal('never', 300)`);
    const running = startCli(['watch', id, '--url', fx.url]);
    await waitFor('the first frame', async () => running.stdout().includes(`Instance: ${id}`));
    await fx.value('SELECT df.cancel($1, $2)', [id, 'stopped by the test']);
    const r = await running.done;
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('instance cancelled\n');
    expect(r.stdout).toContain('Status:   ⊘ cancelled\n');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('Error:    stopped by the test');
  });

  it('ends at once, with the instance’s exit code, when the instance has already ended', async () => {
    const id = await startWorkflow(fx, `'SELECT 1/0'`);
    await fx.value('SELECT df.await_instance($1, 30)', [id]);
    const r = await watch(id);
    expect(r.code).toBe(3);
    expect(r.stdout.match(/^Status: /gm)).toHaveLength(2); // the first read and the end, nothing between
  });

  it('fails with a clear error for an instance the role cannot see', async () => {
    const r = await watch('0000abcd');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('pg-durable: Instance not found or access denied: 0000abcd\n');
  });
});

describe('pg-durable watch --json', () => {
  it('prints one JSON object per change, the last one terminal', async () => {
    const { id, r } = await watchFromTheStart(THREE_STEPS, 'json', ['--json', '--interval', '0.1']);
    expect(r.code).toBe(0);
    const objects = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(objects.length).toBeGreaterThanOrEqual(3);
    const last = objects.at(-1)!;
    expect(last).toMatchObject({ id, status: 'completed', steps: { total: 4, completed: 4 }, result: { rows: [{ answer: 42 }], row_count: 1 }, error: null });
    for (const o of objects.slice(0, -1)) expect(['pending', 'running']).toContain(o.status);
    // Each object differs from the one before in some status; steps only ever complete.
    const key = (o: Record<string, any>) => `${o.status} ${o.nodes.map((n: any) => n.status).join()}`;
    for (let i = 1; i < objects.length; i++) {
      expect(key(objects[i])).not.toBe(key(objects[i - 1]));
      expect(objects[i].steps.completed).toBeGreaterThanOrEqual(objects[i - 1].steps.completed);
    }
  });
});

describe('pg-durable watch on a terminal', () => {
  it('redraws the screen in place until the end, in colour', async () => {
    const { id, r } = await watchFromTheStart(THREE_STEPS, 'tty', [], true);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(`${ESC}[2J${ESC}[H`)).toBe(true); // clear the screen once, then home
    const frames = r.stdout.split(`${ESC}[H`).slice(1);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    for (const f of frames.slice(0, -1)) expect(f).toContain(`Every 0.5s: pg-durable watch ${id}`);
    const last = frames.at(-1)!;
    expect(last).toContain(`pg-durable watch ${id}: ended`);
    expect(last).toContain(`Status:   ${ESC}[32m✓ completed${ESC}[39m`);
    expect(last).toContain(`→ SQL: SELECT 42 AS answer ${ESC}[32m✓${ESC}[39m`);
    expect(frames.some((f) => f.includes('Current:  SQL: SELECT pg_sleep(0.4)'))).toBe(true);
  });

  it('keeps to the plain text with NO_COLOR set, and still exits with the instance’s code', async () => {
    const id = await startWorkflow(fx, `'SELECT pg_sleep(0.3)' ~> 'SELECT 1/0'`);
    const r = await runCliOnTerminal(['watch', id, '--url', fx.url], { NO_COLOR: '1' });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('Status:   ✗ failed');
    expect(r.stdout.replace(/\x1b\[(2J|H|K|J)/g, '')).not.toContain(ESC);
  });
});

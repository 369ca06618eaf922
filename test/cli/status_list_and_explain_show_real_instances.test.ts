// `pg-durable status`, `list` and `explain` run as child processes against a scratch database
// with real instances: one completed, one failed, one waiting for a signal.
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { awaitWorkflow, startWorkflow } from '../support/workflow.js';
import { waitFor } from '../support/slow-step.js';
import { createLoginRoles, dropRoles } from '../support/roles.js';
import { urlFor } from '../support/server.js';
import { json, runCli, runCliOnTerminal } from './run-cli.js';

let fx: EngineFixture;
let ok: string;
let bad: string;
let waiting: string;
const other = `pgd_cli_other_${process.pid}`;
let otherUrl: string;
const ESC = '\x1b';

beforeAll(async () => {
  fx = await engineFixture('cli_monitor');
  await createLoginRoles([other]);
  await (await fx.scratch.admin()).query(`SELECT df.grant_usage($1)`, [other]);
  otherUrl = urlFor(fx.scratch.name, other);
  await fx.startWorkers(2);
  ok = await startWorkflow(fx, `('SELECT 1 AS a' |=> 'a') ~> df.if('SELECT true', 'SELECT $a + 1 AS b', 'SELECT 0'), 'cli ok'`);
  await awaitWorkflow(fx, ok);
  bad = await startWorkflow(fx, `'SELECT 1/0', 'cli bad'`);
  await awaitWorkflow(fx, bad);
  waiting = await startWorkflow(fx, `'SELECT 1 AS one' ~> df.wait_for_signal('go', 300) ~> 'SELECT 2 AS two', 'cli waits'`);
  await waitFor('the signal wait', async () =>
    (await fx.value<string>(`SELECT inferred_status FROM df.instance_nodes($1) WHERE node_type = 'SIGNAL'`, [waiting])) === 'running');
});

afterAll(async () => {
  await fx?.close();
  await dropRoles([other]);
});

const cli = (...args: string[]) => runCli([...args, '--url', fx.url]);

describe('pg-durable status', () => {
  it('shows a completed instance: status, steps settled of all, elapsed time and result', async () => {
    const r = await cli('status', ok);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines.slice(0, 3)).toEqual([
      `Instance: ${ok} (cli ok)`,
      'Status:   ✓ completed',
      'Progress: [####################] 4/4 steps (3 completed, 1 skipped)',
    ]);
    expect(lines[3]).toMatch(/^Elapsed: {2}\d+(ms|\.\ds)$/);
    expect(lines[4]).toBe('Result:   {"rows":[{"b":2}],"row_count":1}');
  });

  it('shows a failed instance with its error', async () => {
    const r = await cli('status', bad);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Status:   ✗ failed\n');
    expect(r.stdout).toContain('Progress: [####################] 1/1 steps (1 failed)\n');
    expect(r.stdout).toContain('Error:    division by zero\n');
  });

  it('gives a running instance’s progress and current step as JSON', async () => {
    const s = json<Record<string, any>>(await cli('status', waiting, '--json'));
    expect(s).toMatchObject({
      id: waiting,
      label: 'cli waits',
      status: 'running',
      steps: { total: 3, completed: 1, failed: 0, skipped: 0, running: 1, pending: 1 },
      result: null,
      error: null,
    });
    expect(s.current).toHaveLength(1);
    expect(s.current[0]).toMatchObject({ label: "SIGNAL 'go' (300s)" });
    expect(s.current[0].running_ms).toBeGreaterThanOrEqual(0);
    expect(s.elapsed_ms).toBeGreaterThan(0);
    const nodes = (await fx.user.query(`SELECT node_id AS id, node_type AS type, inferred_status AS status FROM df.instance_nodes($1)`, [waiting])).rows;
    expect(s.nodes.map((n: any) => ({ id: n.id, type: n.type, status: n.status }))).toEqual(nodes);
  });

  it('without ID, counts the role’s instances and shows the unfinished ones', async () => {
    const s = json<Record<string, any>>(await cli('status', '--json'));
    expect(s.role).toBe(fx.role);
    expect(s.counts).toEqual({ pending: 0, running: 1, completed: 1, failed: 1, cancelled: 0, total: 3 });
    expect(s.active.map((a: any) => a.id)).toEqual([waiting]);
    expect(s.active[0].steps).toMatchObject({ total: 3, completed: 1 });
    expect(s.active_total).toBe(1);

    const text = await cli('status');
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe(`Instances of role ${fx.role}: 3 (1 running, 1 completed, 1 failed)`);
    expect(lines[2]).toMatch(/^ID +STATUS +PROGRESS +ELAPSED +LABEL +CURRENT$/);
    expect(lines[3]).toMatch(new RegExp(`^${waiting} +running +1/3 +\\S+ +cli waits +SIGNAL 'go' \\(300s\\)$`));
  });

  it('answers only for the connecting role’s own instances', async () => {
    expect(await fx.value<boolean>(`SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user`)).toBe(false);
    const r = await runCli(['status', waiting, '--url', otherUrl]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`pg-durable: Instance not found or access denied: ${waiting}\n`);
    const list = json<{ instances: unknown[] }>(await runCli(['list', '--json', '--url', otherUrl]));
    expect(list.instances).toEqual([]);
    const summary = json<Record<string, any>>(await runCli(['status', '--json', '--url', otherUrl]));
    expect(summary.counts.total).toBe(0);
  });

  it('says so for an unknown instance', async () => {
    const r = await cli('status', 'ffffffff');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('pg-durable: Instance not found or access denied: ffffffff\n');
  });
});

describe('pg-durable list', () => {
  it('lists the role’s instances newest first, as JSON and as a table', async () => {
    const all = json<{ instances: any[]; next_cursor: string | null }>(await cli('list', '--json'));
    expect(all.instances.map((i) => [i.id, i.label, i.status, i.steps_run])).toEqual([
      [waiting, 'cli waits', 'running', 1],
      [bad, 'cli bad', 'failed', 1],
      [ok, 'cli ok', 'completed', 3],
    ]);
    expect(all.next_cursor).toBeNull();
    expect(all.instances[2].output).toBe('{"rows":[{"b":2}],"row_count":1}');
    expect(all.instances[1].output).toBe('division by zero');
    expect(Date.parse(all.instances[2].completed_at)).toBeGreaterThanOrEqual(Date.parse(all.instances[2].created_at));

    const table = (await cli('list')).stdout.trimEnd().split('\n');
    expect(table).toHaveLength(4);
    expect(table[0]).toMatch(/^ID +STATUS +STEPS +CREATED +TOOK +LABEL +OUTPUT$/);
    expect(table[1]).toMatch(new RegExp(`^${waiting} +running +1 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +cli waits$`));
    expect(table[3]).toMatch(new RegExp(`^${ok} +completed +3 +\\S+ \\S+ +\\S+ +cli ok +\\{"rows":\\[\\{"b":2\\}\\],"row_count":1\\}$`));
  });

  it('filters by status and label', async () => {
    const failed = json<{ instances: any[] }>(await cli('list', '--status', 'failed', '--json'));
    expect(failed.instances.map((i) => i.id)).toEqual([bad]);
    const labelled = json<{ instances: any[] }>(await cli('list', '--label', 'cli ok', '--json'));
    expect(labelled.instances.map((i) => i.id)).toEqual([ok]);
  });

  it('pages with --limit and --after', async () => {
    const first = json<{ instances: any[]; next_cursor: string }>(await cli('list', '--limit', '2', '--json'));
    expect(first.instances.map((i) => i.id)).toEqual([waiting, bad]);
    expect(first.next_cursor).toMatch(/^\d+:[0-9a-f]{8}$/);
    const second = json<{ instances: any[]; next_cursor: string | null }>(await cli('list', '--limit', '2', '--after', first.next_cursor, '--json'));
    expect(second.instances.map((i) => i.id)).toEqual([ok]);
    expect(second.next_cursor).toBeNull();
    const text = await cli('list', '--limit', '2');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(`More: pg-durable list --after ${first.next_cursor} --limit 2`);
  });
});

describe('pg-durable explain', () => {
  it('prints df.explain’s tree of an instance and its Mermaid chart, unchanged', async () => {
    const text = await cli('explain', waiting);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`${await fx.value<string>('SELECT df.explain($1)', [waiting])}\n`);
    expect(text.stdout).toContain("→ SIGNAL 'go' (300s) ⏳\n");
    const mermaid = await cli('explain', waiting, '--format', 'mermaid');
    expect(mermaid.stdout).toBe(`${await fx.value<string>(`SELECT df.explain($1, 'mermaid')`, [waiting])}\n`);
    const full = await cli('explain', ok, '--format', 'full');
    expect(full.stdout).toBe(`${await fx.value<string>(`SELECT df.explain($1, 'full')`, [ok])}\n`);
  });

  it('explains DSL text as a dry run', async () => {
    const dsl = `('SELECT 1' |=> 'one') ~> df.join('SELECT $one', df.sleep(5))`;
    const r = await cli('explain', dsl);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${await fx.value<string>('SELECT df.explain($1)', [dsl])}\n`);
    const g = json<Record<string, any>>(await cli('explain', dsl, '--json'));
    expect(g.instance).toBeNull();
    expect(g.nodes.map((n: any) => [n.label, n.status])).toEqual([
      ['THEN', null], ["SQL: SELECT 1 |=> 'one'", null], ['JOIN (2)', null], ['SQL: SELECT $one', null], ['SLEEP 5s', null],
    ]);
  });

  it('gives the graph of an instance as JSON: every node with its status, every edge with its role', async () => {
    const g = json<Record<string, any>>(await cli('explain', waiting, '--json'));
    expect(g.instance).toMatchObject({ id: waiting, status: 'running', steps: { total: 3 } });
    const nodes = (await fx.user.query(`SELECT node_id AS id, node_type AS type, inferred_status AS status FROM df.instance_nodes($1)`, [waiting])).rows;
    expect(g.nodes.map((n: any) => ({ id: n.id, type: n.type, status: n.status }))).toEqual(nodes);
    expect(g.edges).toEqual([
      { from: 1, to: 2, role: 'first' },
      { from: 1, to: 5, role: 'next' },
      { from: 2, to: 3, role: 'first' },
      { from: 2, to: 4, role: 'next' },
    ]);
  });

  it('writes an SVG picture of an instance to a file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pgd-cli-')), 'ok.svg');
    const r = await cli('explain', ok, '--format', 'svg', '--output', file);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const svg = readFileSync(file, 'utf8');
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const statuses = [...svg.matchAll(/data-node-id="(\d+)" data-status="(\w+)"/g)].map((m) => [Number(m[1]), m[2]]);
    const nodes = (await fx.user.query({ text: `SELECT node_id, inferred_status FROM df.instance_nodes($1)`, values: [ok], rowMode: 'array' })).rows;
    expect(statuses.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(nodes);
  });

  it('refuses what df.explain refuses, with its message', async () => {
    const r = await cli('explain', 'hello');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pg-durable: Cannot explain input');
  });
});

describe('colours', () => {
  it('never colours output that is not a terminal', async () => {
    for (const args of [['status', ok], ['status'], ['list'], ['explain', waiting]]) {
      expect((await cli(...args)).stdout).not.toContain(ESC);
    }
  });

  it('colours statuses on a terminal, unless NO_COLOR is set', async () => {
    const coloured = await runCliOnTerminal(['explain', bad, '--url', fx.url]);
    expect(coloured.code).toBe(0);
    expect(coloured.stdout).toContain(`Status:   ${ESC}[31m✗ failed${ESC}[39m`);
    const plain = await runCliOnTerminal(['explain', bad, '--url', fx.url], { NO_COLOR: '1' });
    expect(plain.stdout).toContain('Status:   ✗ failed');
    expect(plain.stdout).not.toContain(ESC);
  });
});

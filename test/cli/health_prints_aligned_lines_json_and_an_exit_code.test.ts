// src/cli/health.ts (what `pg-durable health` runs): one aligned line per check of df.health,
// or its rows as a JSON array with --json; colours only on a terminal; the exit code is the
// worst level (0 ok, 1 warning, 2 critical), and 2 when the check cannot run at all. Called
// as a function against a scratch database, its standard output captured.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { health, render } from '../../src/cli/health.js';
import { palette } from '../../src/cli/format.js';

let fx: EngineFixture;

beforeAll(async () => {
  fx = await engineFixture('health_cli');
});
afterAll(async () => fx?.close());

let out = '';
let err = '';
const isTTY = process.stdout.isTTY;
const noColor = process.env.NO_COLOR;
afterEach(() => {
  vi.restoreAllMocks();
  process.stdout.isTTY = isTTY;
  if (noColor === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = noColor;
});

/** Runs health() with stdout and stderr captured; returns its exit code. */
async function run(url: string, json = false): Promise<number> {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  try {
    return await health(url, { json });
  } finally {
    vi.restoreAllMocks();
  }
}

const checks = ['workers        ', 'ready_work     ', 'stuck_instances', 'outside_work   ', 'failures       '];

describe('pg-durable health', () => {
  it('prints one aligned line per check and exits 1 on a warning', async () => {
    delete process.env.NO_COLOR;
    expect(await run(fx.url)).toBe(1);
    expect(out.split('\n')).toEqual([
      `${fx.role}  ${checks[0]}  warning  no worker of this role has ever run; no unfinished instance waits for one`,
      `${fx.role}  ${checks[1]}  ok       no due step waits for a worker`,
      `${fx.role}  ${checks[2]}  ok       no running instance has gone 10 min without progress`,
      `${fx.role}  ${checks[3]}  ok       no dispatched step waits for a runner`,
      `${fx.role}  ${checks[4]}  ok       no instance failed in the last hour`,
      '',
    ]);
    expect(out).not.toContain('\x1b[');
    expect(err).toBe('');
  });

  it('exits 2 on a critical line and 0 when all is ok', async () => {
    const id = await fx.value<string>(`SELECT df.start('SELECT 1')`);
    expect(await run(fx.url)).toBe(2);
    expect(out.split('\n')[0]).toMatch(new RegExp(`^${fx.role}  workers {10}critical  no worker of this role has ever run: 1 unfinished`));
    await fx.user.query(`CALL df.work(1, 5)`);
    expect(await fx.value(`SELECT df.status($1)`, [id])).toBe('completed');
    expect(await run(fx.url)).toBe(0);
    expect(out.split('\n').filter(Boolean).map((l) => l.split(/ {2,}/)[2])).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('prints the rows of df.health as a JSON array with --json', async () => {
    expect(await run(fx.url, true)).toBe(0);
    const { rows } = await fx.user.query(`SELECT h.role, h.check_name, h.level, h.detail FROM df.health() h`);
    const printed = JSON.parse(out);
    expect(printed.map((l: Record<string, string>) => ({ ...l, detail: l.check_name === 'workers' ? '' : l.detail }))).toEqual(
      rows.map((l) => ({ ...l, detail: l.check_name === 'workers' ? '' : l.detail })),
    );
    expect(Object.keys(printed[0])).toEqual(['role', 'check_name', 'level', 'detail']);
  });

  it('colours the level on a terminal, unless NO_COLOR is set', async () => {
    process.stdout.isTTY = true;
    delete process.env.NO_COLOR;
    expect(await run(fx.url)).toBe(0);
    expect(out).toContain(`  \x1b[32mok\x1b[39m  `);
    process.env.NO_COLOR = '1';
    await run(fx.url);
    expect(out).not.toContain('\x1b[');
    // JSON is never coloured.
    delete process.env.NO_COLOR;
    await run(fx.url, true);
    expect(() => JSON.parse(out)).not.toThrow();
  });

  it('exits 2 and says why when it cannot check', async () => {
    expect(await run('postgresql://nobody@127.0.0.1:9/none')).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^pg-durable health: cannot check health: /);
    // Nor can a database without pg_durable answer.
    const elsewhere = new URL(fx.scratch.url);
    elsewhere.pathname = '/postgres';
    expect(await run(elsewhere.toString())).toBe(2);
    expect(err).toMatch(/^pg-durable health: cannot check health: .*df/);
  });

  it('shows control characters of role names escaped, and says when there is nothing to report', () => {
    const line = { role: 'evil\x1b]0;owned\x07\nrole', check_name: 'workers', level: 'ok' as const, detail: 'fine' };
    expect(render([line], palette({ isTTY: false }))).toBe('evil\\x1b]0;owned\\x07\\x0arole  workers  ok  fine\n');
    expect(render([], palette({ isTTY: false }))).toBe('no role has workflows or workers yet\n');
  });
});

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
// A URL nothing listens on: a command that tried to do its work would fail to connect.
const nowhere = 'postgresql://nobody@127.0.0.1:9/none';
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args, '--url', nowhere], { encoding: 'utf8', timeout: 10_000 });

const COMMANDS = ['install', 'worker', 'status', 'list', 'explain', 'watch', 'health', 'demo', 'bench'];

describe('pg-durable --help', () => {
  it.each(COMMANDS)('%s --help prints the usage and exits 0', (command) => {
    const out = run(command, '--help');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('usage: pg-durable <command>');
    expect(out.stdout).toContain(`usage: pg-durable ${command}`);
    expect(out.stderr).toBe('');
  });

  it('lists every command in the overall usage', () => {
    const out = run('--help');
    expect(out.status).toBe(0);
    for (const command of COMMANDS) expect(out.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('answers --help whatever else the command line holds', () => {
    const out = run('watch', 'deadbeef', '--interval', 'soon', '--help');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('usage: pg-durable watch ID');
  });

  it('refuses an unknown option without doing anything', () => {
    const out = run('bench', '--stepz', '5');
    expect(out.status).toBe(1);
    expect(out.stderr).toContain("Unknown option '--stepz'");
  });

  it.each(['status', 'list', 'explain', 'watch', 'health'])('%s refuses an unknown option without doing anything', (command) => {
    const out = run(command, 'deadbeef', '--colour');
    expect(out.status).toBe(1);
    expect(out.stderr).toContain("Unknown option '--colour'");
    expect(out.stdout).toBe('');
  });

  it.each([
    [['list', '--format', 'svg'], "Unknown option '--format' for pg-durable list"],
    [['status', 'deadbeef', '--html', 'x.html'], "Unknown option '--html' for pg-durable status"],
    [['worker', '--json'], "Unknown option '--json' for pg-durable worker"],
  ])('refuses another command’s option: %j', (args, message) => {
    const out = run(...args);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain(message);
  });

  // Each of these would fail to connect if it got that far: the message shows it did not.
  it.each([
    [['status', 'not-an-id'], "not an instance id (8 lowercase hex digits): 'not-an-id'"],
    [['status', '--limit', '0'], "--limit must be a positive whole number, got '0'"],
    [['status', 'deadbeef', 'cafebabe'], 'unexpected argument(s)'],
    [['list', '--status', 'done'], "--status must be one of pending, running, completed, failed, cancelled; got 'done'"],
    [['list', '--limit', 'ten'], "--limit must be a positive whole number, got 'ten'"],
    [['explain'], 'missing argument(s); usage: pg-durable explain ID|DSL'],
    [['explain', 'deadbeef', '--format', 'png'], "--format must be one of text, full, mermaid, svg, html; got 'png'"],
    [['explain', 'deadbeef', '--format', 'svg', '--json'], '--json and --format exclude each other'],
    [['watch'], 'missing argument(s); usage: pg-durable watch ID'],
    [['watch', 'DEADBEEF'], "not an instance id (8 lowercase hex digits): 'DEADBEEF'"],
    [['watch', 'deadbeef', '--interval', '0'], "--interval must be between 0.05 and 3600 seconds, got '0'"],
  ])('checks its arguments before connecting: %j', (args, message) => {
    const out = run(...args);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain(message);
    expect(out.stdout).toBe('');
  });

  it('exits 2 with the usage for an unknown command', () => {
    const out = run('stat');
    expect(out.status).toBe(2);
    expect(out.stdout).toContain('usage: pg-durable <command>');
  });
});

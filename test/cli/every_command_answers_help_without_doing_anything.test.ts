import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
// A URL nothing listens on: a command that tried to do its work would fail to connect.
const nowhere = 'postgresql://nobody@127.0.0.1:9/none';
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args, '--url', nowhere], { encoding: 'utf8', timeout: 10_000 });

describe('pg-durable --help', () => {
  it.each(['install', 'worker', 'status', 'demo', 'bench'])('%s --help prints the usage and exits 0', (command) => {
    const out = run(command, '--help');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('usage: pg-durable <command>');
    expect(out.stderr).toBe('');
  });

  it('refuses an unknown option without doing anything', () => {
    const out = run('bench', '--stepz', '5');
    expect(out.status).toBe(1);
    expect(out.stderr).toContain("Unknown option '--stepz'");
  });
});

import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

describe('pg-durable worker --http-concurrency', () => {
  it.each(['-1', 'many', '1.5', '1001'])('refuses %s before connecting', async (value) => {
    const r = await runCli(['worker', '--url', 'postgresql://nobody@127.0.0.1:1/none', `--http-concurrency=${value}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--http-concurrency must be a whole number from 0 to 1000, got '${value}'`);
  });

  it('is explained by --help', async () => {
    const r = await runCli(['worker', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--http-concurrency M');
    expect(r.stdout).toContain('default 16; 0: run no HTTP steps');
  });
});

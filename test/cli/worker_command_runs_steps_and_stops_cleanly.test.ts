import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { awaitWorkflow, startWorkflow } from '../support/workflow.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('cli_worker');
});
afterAll(async () => fx?.close());

describe('pg-durable worker', () => {
  it('runs the role’s workflows and exits 0 soon after SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, 'worker', '--url', fx.url, '--workers', '2'], { stdio: 'pipe' });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const id = await startWorkflow(fx, `'SELECT 1 AS one' ~> 'SELECT 2 AS two'`);
    expect((await awaitWorkflow(fx, id, 30)).status).toBe('completed');
    const sent = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - sent).toBeLessThan(10_000);
    expect(output).toContain('2 worker session(s) running');
    expect(output).toContain('stopping');
    expect(await fx.value(`SELECT count(*)::int FROM pg_stat_activity WHERE application_name LIKE 'pg_durable worker%' AND datname = current_database()`)).toBe(0);
  });

  it('rejects a bad --workers value', async () => {
    const child = spawn(process.execPath, [cli, 'worker', '--url', fx.url, '--workers', 'zero'], { stdio: 'pipe' });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(err).toContain("--workers must be a positive whole number, got 'zero'");
  });
});

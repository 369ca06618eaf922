// Errors raised by the engine read like PostgreSQL's own: no "Error: " or class-name prefix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('error_prefix');
});
afterAll(async () => fx?.close());

const messageOf = (p: Promise<unknown>) => p.then(() => '', (e: Error) => e.message);

describe('error messages', () => {
  it('start with what went wrong', async () => {
    const admin = await fx.scratch.admin();
    const messages = [
      await messageOf(admin.query(`SELECT df.start('SELECT 1')`)),
      await messageOf(fx.user.query(`SELECT df.start('{"node_type":"SQL","query":"SELECT 1","result_name":"1x"}')`)),
      await messageOf(fx.user.query(`SELECT df.wait_for_schedule('61 * * * *')`)),
      await messageOf(fx.user.query(`SELECT df.cancel('00000000')`)),
      await messageOf(fx.user.query(`SELECT df.setvar('bad name', 'x')`)),
    ];
    expect(messages[0]).toMatch(/^superuser \S+ cannot start workflows/);
    expect(messages[1]).toMatch(/^result_name "1x" is not a valid identifier/);
    expect(messages[2]).toMatch(/^invalid cron expression '61 \* \* \* \*'/);
    expect(messages[3]).toBe('Instance not found or access denied: 00000000');
    expect(messages[4]).toMatch(/^variable name must match/);
  });
});

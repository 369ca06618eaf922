// Every ```sql example block of the README is started for real and its `-- result:` checked.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { awaitWorkflow } from '../support/workflow.js';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const examples = [...readme.matchAll(/```sql example\n([\s\S]*?)```/g)].map((m) => {
  const block = m[1];
  const result = /^-- result: (.*)$/m.exec(block)?.[1];
  return { sql: block.slice(0, block.indexOf(';') + 1), result };
});

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('readme');
  await fx.startWorkers(2);
});
afterAll(async () => fx?.close());

describe('README examples', () => {
  it('are there', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const e of examples) expect(e.result, e.sql).toBeDefined();
  });

  it.each(examples.map((e) => [e.sql.split('\n').slice(0, 2).join(' '), e] as const))('%s', async (_, e) => {
    const id = await fx.value<string>(e.sql);
    const done = await awaitWorkflow(fx, id, 60);
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.resultText).toBe(e.result);
  });
});

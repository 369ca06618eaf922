// Every ```sql example block of the README is started for real and its `-- result:` checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { awaitWorkflow } from '../support/workflow.js';
import { example, readmeBlocks } from '../support/readme.js';

const examples = readmeBlocks('example').map(example);

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

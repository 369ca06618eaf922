// Every ```sql http-example block of the README is started for real against the test HTTP
// server (its base URL in the variable `api`, a key in `api_key`), with the CLI's HTTP runner,
// and its `-- result:` checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/cli/worker-pool.js';
import { awaitWorkflow } from '../support/workflow.js';
import { httpFixture, type HttpFixture } from '../http/http-fixture.js';
import { example, readmeBlocks } from '../support/readme.js';

const examples = readmeBlocks('http-example').map(example);

let h: HttpFixture;
beforeAll(async () => {
  h = await httpFixture('readme_http');
  await h.setPolicy('allow_private_networks => true');
  h.fx.workers = new WorkerPool({ url: h.fx.url, workers: 2, callSeconds: 2, idlePollMs: 5, httpConcurrency: 4 });
  await h.fx.workers.start();
  await h.fx.user.query(`SELECT df.setvar('api', $1), df.setvar('api_key', 'readme-key')`, [h.server.url('')]);
});
afterAll(async () => {
  await h?.setPolicy('allow_private_networks => false');
  await h?.close();
});

describe('README HTTP examples', () => {
  it('are there', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const e of examples) expect(e.result, e.sql).toBeDefined();
  });

  it.each(examples.map((e) => [e.sql.split('\n').slice(0, 2).join(' '), e] as const))('%s', async (_, e) => {
    const done = await awaitWorkflow(h.fx, await h.fx.value<string>(e.sql), 60);
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.resultText).toBe(e.result);
  });

  it('sent the key from the variable, which df.instance_nodes does not show', async () => {
    const seen = h.server.requests.find((r) => r.path === '/echo')!;
    expect(seen.headers.authorization).toBe('Bearer readme-key');
    const { rows } = await h.fx.user.query(`SELECT n.query FROM df.instances i, df.instance_nodes(i.id) n WHERE n.node_type = 'HTTP'`);
    for (const r of rows) expect(r.query).not.toMatch(/readme-key/);
  });
});

// A step's result is bounded by pg_durable.max_result_bytes (default 64 MiB): a larger one fails
// the step with a clear error, and the worker's memory stays bounded whatever the step returns,
// because the bound is enforced while PostgreSQL builds the JSON (spec section 11). The query that
// does it names only pg_catalog objects, so nothing planted on the search_path can change it.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { usesPrivateCluster } from '../../support/server.js';
import { awaitWorkflow, runWorkflow, startWorkflow } from '../../support/workflow.js';

const LIMIT = 67108864;
const TOO_LARGE = `step result exceeds pg_durable.max_result_bytes (${LIMIT} bytes): `;

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('s_bounded');
  await fx.startWorkers(1);
});
afterAll(async () => fx?.close());

/** Private resident memory of a backend on this machine, in MiB. */
function rssAnonMib(pid: number): number {
  return Number(/RssAnon:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
}

describe('a step result larger than max_result_bytes', () => {
  it('fails the step with the limit in the error, and the worker backend stays small', async () => {
    // 3 million rows of about 35 bytes of JSON each: some 100 MiB, well past the limit.
    const id = await startWorkflow(fx, `'SELECT g AS n, ''xxxxxxxxxxxxxxx'' AS s FROM generate_series(1, 3000000) AS g'`);
    let peakMib = 0;
    if (usesPrivateCluster()) {
      const [pid] = fx.workers!.pids();
      for (let status = 'running'; status === 'running' || status === 'pending'; ) {
        peakMib = Math.max(peakMib, rssAnonMib(pid));
        await new Promise((r) => setTimeout(r, 20));
        status = await fx.value<string>('SELECT df.status($1)', [id]);
      }
    }
    const done = await awaitWorkflow(fx, id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(new RegExp(`^${literally(TOO_LARGE)}its rows had passed \\d+ bytes of JSON by row \\d+, where reading stopped`));
    // Before the bound this step took a worker past 6 GB; now it holds a few times the limit at most.
    if (usesPrivateCluster()) expect(peakMib).toBeLessThan(400);
  });

  it('counts the whole result text, not only its rows', async () => {
    // One row whose JSON stays within the limit, while the {"rows":[…],"row_count":1} around it does not.
    const done = await runWorkflow(fx, `'SELECT repeat(''x'', ${LIMIT - 20}) AS s'`);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(new RegExp(`^${literally(TOO_LARGE)}it is ${LIMIT + 13} bytes`));
  });

  it('leaves the worker able to run the next workflow', async () => {
    const done = await runWorkflow(fx, `'SELECT 42 AS answer'`);
    expect(done.result).toEqual({ rows: [{ answer: 42 }], row_count: 1 });
  });
});

describe('the query that shapes and bounds a step result', () => {
  afterAll(async () => {
    // The worker's session keeps the step's search_path: later tests get fresh workers.
    await fx.stopWorkers();
    await fx.startWorkers(1);
  });

  it('resolves only pg_catalog objects, whatever the session search_path finds first', async () => {
    await fx.user.query(`
      CREATE FUNCTION public.octet_length(text) RETURNS int LANGUAGE sql AS 'SELECT 0';
      CREATE FUNCTION public.row_to_json(record) RETURNS json LANGUAGE plpgsql AS $$BEGIN RETURN '"planted"'; END$$;
      CREATE FUNCTION public.planted(text, text, text) RETURNS text LANGUAGE sql AS $$SELECT 'planted'$$;
      CREATE AGGREGATE public.string_agg(text, text) (SFUNC = public.planted, STYPE = text);
      CREATE FUNCTION public.cat(text, text) RETURNS text LANGUAGE sql AS $$SELECT 'planted'$$;
      CREATE OPERATOR public.|| (FUNCTION = public.cat, LEFTARG = text, RIGHTARG = text);`);
    const done = await runWorkflow(
      fx,
      `'SET search_path = public, pg_catalog' ~> 'SELECT 1 AS a, ''x'' AS b, octet_length(''abc'') AS users_own'`,
    );
    // The step's own SQL still resolves through the session's search_path.
    expect(done.resultText).toBe('{"rows":[{"a":1,"b":"x","users_own":0}],"row_count":1}');
  });
});

function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// The README's embedding pipeline (blocks tagged embedding:…), run as written with real
// workers and the CLI's HTTP runner against the demo's embeddings server on 127.0.0.1; only the
// URL and the key of its variables block change. The blocks must also be what the demo runs.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/cli/worker-pool.js';
import { embed, startEmbeddingServer, type EmbeddingServer } from '../../src/cli/embedding-server.js';
import { EMBEDDING_ARTICLES, EMBEDDING_NEAREST, EMBEDDING_START, embeddingTables } from '../../src/cli/embedding-pipeline.js';
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { readmeBlock } from '../support/readme.js';
import { awaitWorkflow, type Finished } from '../support/workflow.js';

const KEY = 'test-embedding-key';
const OPENAI_URL = 'https://api.openai.com/v1/embeddings';

let fx: EngineFixture;
let server: EmbeddingServer;
let admin: pg.Client;
beforeAll(async () => {
  fx = await engineFixture('readme_embedding');
  admin = await fx.scratch.admin();
  await admin.query('SELECT df.grant_usage($1, include_http => true)', [fx.role]);
  await admin.query('SELECT df.set_http_policy(allow_private_networks => true)');
  server = await startEmbeddingServer(KEY);
  fx.workers = new WorkerPool({ url: fx.url, workers: 2, callSeconds: 2, idlePollMs: 5, httpConcurrency: 8 });
  await fx.workers.start();
});
afterAll(async () => {
  await admin?.query('SELECT df.set_http_policy(allow_private_networks => false)');
  await fx?.close();
  await server?.close();
});

describe('the README embedding pipeline', () => {
  it('is what the demo runs', () => {
    expect(readmeBlock('embedding:articles')).toBe(EMBEDDING_ARTICLES);
    expect(readmeBlock('embedding:tables')).toBe(embeddingTables());
    expect(readmeBlock('embedding:start')).toBe(EMBEDDING_START);
    expect(readmeBlock('embedding:nearest')).toBe(EMBEDDING_NEAREST);
  });

  describe('run as written', () => {
    let done: Finished;
    beforeAll(async () => {
      await fx.user.query(readmeBlock('embedding:articles'));
      await fx.user.query(readmeBlock('embedding:tables'));
      const vars = readmeBlock('embedding:vars');
      expect(vars).toContain(OPENAI_URL);
      expect(vars).toContain("'sk-...'");
      await fx.user.query(vars.replace(OPENAI_URL, server.url).replace("'sk-...'", `'${KEY}'`));
      done = await awaitWorkflow(fx, await fx.value<string>(readmeBlock('embedding:start')), 120);
    });

    it('chunks every article into pieces of two sentences', async () => {
      const mismatched = await fx.value<number>(`
        SELECT count(*)::int FROM articles a
        WHERE a.body <> (SELECT string_agg(body, ' ' ORDER BY seq) FROM chunks c WHERE c.article_id = a.id)`);
      expect(mismatched).toBe(0);
      expect(await fx.value<number>(`SELECT count(*)::int FROM chunks WHERE body !~ '^[^.]+\\.( [^.]+\\.)?$'`)).toBe(0);
    });

    it('completes one MAP item per chunk', async () => {
      expect(done.status, done.error ?? '').toBe('completed');
      const chunks = await fx.value<number>('SELECT count(*)::int FROM chunks');
      expect(chunks).toBeGreaterThan(24);
      const result = done.result as { rows: { item: { id: number }; status: string }[]; row_count: number };
      expect(result.row_count).toBe(chunks);
      expect(result.rows.map((r) => r.item.id)).toEqual(Array.from({ length: chunks }, (_, i) => i + 1));
      expect(result.rows.every((r) => r.status === 'completed')).toBe(true);
    });

    it('stores each chunk its vector from the endpoint, once', async () => {
      const { rows } = await fx.user.query<{ body: string; embedding: number[] }>(
        'SELECT c.body, e.embedding::float8[] AS embedding FROM chunks c LEFT JOIN chunk_embeddings e ON e.chunk_id = c.id ORDER BY c.id',
      );
      expect(rows.map((r) => r.embedding)).toEqual(rows.map((r) => embed(r.body)));
      expect(await fx.value<number>('SELECT count(*)::int FROM chunk_embeddings')).toBe(rows.length);
      expect(server.served()).toBeGreaterThanOrEqual(rows.length);
    });

    it('finds the nearest chunks by cosine similarity', async () => {
      const { rows } = await fx.user.query<{ id: number; similarity: string; body: string }>(readmeBlock('embedding:nearest'));
      expect(rows).toHaveLength(5);
      const first = embed(await fx.value<string>('SELECT body FROM chunks WHERE id = 1'));
      for (const r of rows) expect(Number(r.similarity), r.body).toBeCloseTo(cosine(first, embed(r.body)), 2);
      const similarities = rows.map((r) => Number(r.similarity));
      expect(similarities).toEqual([...similarities].sort((a, b) => b - a));
    });

    it('fails only the chunks a wrong key was used for; the next run embeds just the chunks without a vector', async () => {
      await fx.user.query('DELETE FROM chunk_embeddings WHERE chunk_id IN (2, 5)');
      await fx.user.query(`SELECT df.setvar('embedding_key', 'wrong')`);
      const refused = await awaitWorkflow(fx, await fx.value<string>(readmeBlock('embedding:start')), 60);
      expect(refused.status).toBe('failed');
      expect(refused.error).toBe(
        'MAP: 2 of 2 items failed; first (item 1): the embedding endpoint answered 401: ' +
          '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}',
      );
      expect(await fx.value<number>('SELECT count(*)::int FROM chunk_embeddings')).toBe(await fx.value<number>('SELECT count(*)::int - 2 FROM chunks'));

      await fx.user.query(`SELECT df.setvar('embedding_key', $1)`, [KEY]);
      const again = await awaitWorkflow(fx, await fx.value<string>(readmeBlock('embedding:start')), 60);
      expect(again.status, again.error ?? '').toBe('completed');
      const result = again.result as { rows: { item: { id: number } }[] };
      expect(result.rows.map((r) => r.item.id)).toEqual([2, 5]);
      const { rows } = await fx.user.query<{ body: string; embedding: number[] }>(
        'SELECT c.body, e.embedding::float8[] AS embedding FROM chunks c JOIN chunk_embeddings e ON e.chunk_id = c.id WHERE c.id IN (2, 5) ORDER BY c.id',
      );
      expect(rows.map((r) => r.embedding)).toEqual(rows.map((r) => embed(r.body)));
    });
  });
});

function cosine(a: number[], b: number[]): number {
  const dot = (x: number[], y: number[]) => x.reduce((sum, xi, i) => sum + xi * y[i], 0);
  return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
}

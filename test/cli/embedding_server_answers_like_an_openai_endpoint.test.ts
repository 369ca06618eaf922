// The demo's stand-in embeddings endpoint (src/cli/embedding-server.ts): the request and answer
// shapes of an OpenAI-style API, a bearer key, and vectors that depend on the text alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embed, startEmbeddingServer, type EmbeddingServer } from '../../src/cli/embedding-server.js';

let server: EmbeddingServer;
beforeAll(async () => {
  server = await startEmbeddingServer('k1');
});
afterAll(async () => server?.close());

interface Answer {
  model?: string;
  data?: { index: number; embedding: number[] }[];
  error?: { message: string };
}

const post = async (body: unknown, key = 'k1', url = server.url) => {
  const res = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Answer };
};

describe('the embeddings stand-in', () => {
  it('answers each input with its vector, in order', async () => {
    const { status, json } = await post({ model: 'm', input: ['alpha beta', 'gamma delta'] });
    expect(status).toBe(200);
    expect(json.model).toBe('m');
    expect(json.data?.map((d) => [d.index, d.embedding])).toEqual([
      [0, embed('alpha beta')],
      [1, embed('gamma delta')],
    ]);
  });

  it('gives unit vectors of 16 dimensions (or as asked) in multiples of 1/1024, the same for the same words', () => {
    const v = embed('The invoice was approved by the auditor.');
    expect(v).toHaveLength(16);
    expect(v.every((x) => Number.isInteger(x * 1024))).toBe(true);
    expect(Math.hypot(...v)).toBeCloseTo(1, 2);
    expect(embed('THE INVOICE, was approved; by the auditor')).toEqual(v);
    expect(embed('text', 8)).toHaveLength(8);
  });

  it('refuses a wrong key, a body that is not a request, another path', async () => {
    expect((await post({ input: 'x' }, 'wrong')).status).toBe(401);
    expect((await post({ input: 42 })).status).toBe(400);
    expect((await post({ input: 'x', dimensions: 0 })).status).toBe(400);
    expect((await post({ input: 'x' }, 'k1', server.url.replace('/v1/embeddings', '/v1/other'))).status).toBe(404);
    expect(server.served()).toBe(1);
  });
});

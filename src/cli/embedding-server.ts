// A stand-in for an OpenAI-shaped embeddings endpoint on 127.0.0.1, for the demo and the tests:
// POST /v1/embeddings {"input": text | [text…], "model", "dimensions"?} with a bearer key
// answers {"data": [{"embedding": […]}…]}. A real endpoint takes the same request, so only the
// URL and the key change. The vectors are feature-hashed words of four letters or more (texts
// sharing such words point the same way, so nearest neighbours mean something; shorter words
// carry little meaning), each component a multiple of 1/1024: exact in JSON, in float4 and in
// pgvector's vector, so a test can compare them for equality.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const EMBEDDING_PATH = '/v1/embeddings';
const DEFAULT_DIMENSIONS = 16;

export interface EmbeddingServer {
  /** `http://127.0.0.1:<port>/v1/embeddings` */
  url: string;
  /** Embeddings requests answered with vectors so far (a request may carry several inputs). */
  served(): number;
  close(): Promise<void>;
}

/** The vector the server gives `text`: unit length (up to rounding), in multiples of 1/1024. */
export function embed(text: string, dimensions = DEFAULT_DIMENSIONS): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]{4,}/gu) ?? []) {
    const h = createHash('sha256').update(word).digest();
    v[h.readUInt32BE(0) % dimensions] += h[4] & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => Math.round((x / norm) * 1024) / 1024 || 0); // || 0: no -0
}

export async function startEmbeddingServer(key: string): Promise<EmbeddingServer> {
  let served = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const fail = (status: number, message: string) => send(status, { error: { message, type: 'invalid_request_error' } });
      if (new URL(req.url ?? '/', 'http://local').pathname !== EMBEDDING_PATH) return fail(404, `no route ${req.url}`);
      if (req.method !== 'POST') return fail(405, `use POST for ${EMBEDDING_PATH}`);
      if (req.headers.authorization !== `Bearer ${key}`) return fail(401, 'Incorrect API key provided');
      const request = parse(Buffer.concat(chunks).toString('utf8'));
      if (typeof request === 'string') return fail(400, request);
      served++;
      send(200, {
        object: 'list',
        data: request.inputs.map((text, index) => ({ object: 'embedding', index, embedding: embed(text, request.dimensions) })),
        model: request.model,
        usage: { prompt_tokens: 0, total_tokens: 0 },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${EMBEDDING_PATH}`,
    served: () => served,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The request's inputs, model and dimensions, or what is wrong with it. */
function parse(text: string): { inputs: string[]; model: string; dimensions: number } | string {
  let body: { input?: unknown; model?: unknown; dimensions?: unknown };
  try {
    body = JSON.parse(text);
  } catch {
    return 'the body is not JSON';
  }
  const inputs = typeof body.input === 'string' ? [body.input] : body.input;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((i) => typeof i === 'string')) {
    return "'input' must be a string or a non-empty array of strings";
  }
  const dimensions = body.dimensions ?? DEFAULT_DIMENSIONS;
  if (!Number.isInteger(dimensions) || (dimensions as number) < 1 || (dimensions as number) > 4096) {
    return "'dimensions' must be a whole number from 1 to 4096";
  }
  return { inputs, model: typeof body.model === 'string' ? body.model : 'local-hash', dimensions: dimensions as number };
}

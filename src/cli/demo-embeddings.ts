// What the demo's embedding pipeline needs around the README's statements: a local embeddings
// endpoint, HTTP usage for the role, private networks allowed by the egress policy while the
// demo runs (127.0.0.1 is private), the tables (a vector column when the server has pgvector)
// and the two variables a real endpoint would change.
import { connect } from './app-database.js';
import { startEmbeddingServer } from './embedding-server.js';
import { EMBEDDING_ARTICLES, embeddingTables } from './embedding-pipeline.js';

const DEMO_KEY = 'demo-embedding-key';

export interface EmbeddingDemo {
  /** The local endpoint, in the variable embedding_url. */
  url: string;
  /** `vector(16)` with pgvector, else `real[]`. */
  vectorType: string;
  /** Restores the egress policy and stops the endpoint. */
  close(): Promise<void>;
}

export async function prepareEmbeddings(adminDb: string, userUrl: string, role: string): Promise<EmbeddingDemo> {
  const server = await startEmbeddingServer(DEMO_KEY);
  const admin = await connect(adminDb);
  let restore: boolean | null = null;
  const close = async () => {
    if (restore !== null) await admin.query('SELECT df.set_http_policy(allow_private_networks => $1)', [restore]);
    await admin.end();
    await server.close();
  };
  try {
    await admin.query('SELECT df.grant_usage($1, include_http => true)', [role]);
    restore = (await admin.query(`SELECT (df.http_policy() ->> 'allow_private_networks')::boolean AS allowed`)).rows[0].allowed;
    await admin.query('SELECT df.set_http_policy(allow_private_networks => true)');
    const pgvector = (await admin.query(`SELECT FROM pg_available_extensions WHERE name = 'vector'`)).rowCount === 1;
    if (pgvector) await admin.query('CREATE EXTENSION IF NOT EXISTS vector');
    const vectorType = pgvector ? 'vector(16)' : 'real[]';
    const user = await connect(userUrl);
    try {
      await user.query(`${EMBEDDING_ARTICLES}\n${embeddingTables(vectorType)}`);
      await user.query(`SELECT df.setvar('embedding_url', $1), df.setvar('embedding_key', $2)`, [server.url, DEMO_KEY]);
    } finally {
      await user.end();
    }
    return { url: server.url, vectorType, close };
  } catch (e) {
    await close();
    throw e;
  }
}

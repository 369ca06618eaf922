// The embedding pipeline of the README (its blocks tagged embedding:…), as the demo runs it;
// the README's test checks that the README shows these very statements. Articles are split
// into chunks of two sentences by SQL, then df.map calls an OpenAI-shaped embeddings endpoint
// for each chunk still without a vector (URL and key in the variables embedding_url and
// embedding_key) and upserts its vector. The request body is built by the items query: an HTTP body takes `$item.col` as
// plain text, so the JSON is escaped by jsonb_build_object, not by the template.

/** Some articles to embed: a few dozen generated texts of five to eight sentences. */
export const EMBEDDING_ARTICLES = `CREATE TABLE articles (id int PRIMARY KEY, title text NOT NULL, body text NOT NULL);
INSERT INTO articles (id, title, body)
SELECT d, format('%s note %s', topic, d),
       string_agg(format('The %s %s %s on day %s.', topic,
                         (ARRAY['was checked by', 'was delayed at', 'was approved by', 'was sent to', 'was disputed by'])[1 + (d + 3 * s) % 5],
                         (ARRAY['the warehouse', 'the finance team', 'the north plant', 'the customer', 'the auditor', 'the supplier'])[1 + (d + s) % 6],
                         s), ' ' ORDER BY s)
FROM generate_series(1, 32) AS d,
     LATERAL (SELECT (ARRAY['invoice', 'shipment', 'sensor', 'contract'])[1 + d % 4] AS topic) AS t,
     generate_series(1, 5 + d % 4) AS s
GROUP BY d, topic;`;

/**
 * The chunks, their vectors (real[], or e.g. `vector(16)` with pgvector) and two functions: the
 * vector of an embeddings response, which fails the step with the status and the body for any
 * answer but a 2xx (a 4xx completes an HTTP step), and cosine similarity for nearest neighbours.
 */
export function embeddingTables(vectorType = 'real[]'): string {
  return `CREATE TABLE chunks (
  id serial PRIMARY KEY,
  article_id int NOT NULL REFERENCES articles,
  seq int NOT NULL,
  body text NOT NULL,
  UNIQUE (article_id, seq)
);
CREATE TABLE chunk_embeddings (
  chunk_id int PRIMARY KEY REFERENCES chunks,
  embedding ${vectorType} NOT NULL,
  embedded_at timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION embedding_from(status int, body text) RETURNS real[] LANGUAGE plpgsql AS $$
BEGIN
  IF status NOT BETWEEN 200 AND 299 THEN
    RAISE EXCEPTION 'the embedding endpoint answered %: %', status, left(body, 200);
  END IF;
  RETURN ARRAY(SELECT jsonb_array_elements_text(body::jsonb #> '{data,0,embedding}')::real);
END $$;
CREATE FUNCTION cosine_similarity(a real[], b real[]) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
  SELECT sum(x::float8 * y) / sqrt(sum(x::float8 * x) * sum(y::float8 * y)) FROM unnest(a, b) AS t(x, y)
$$;`;
}

/**
 * The workflow: chunk every article, then one item per chunk still without a vector: request
 * the vector (retried on a 5xx, a timeout or a lost connection), upsert it.
 */
export const EMBEDDING_START = `SELECT df.start(
  'INSERT INTO chunks (article_id, seq, body)
   SELECT a.id, (s.n + 1) / 2, string_agg(s.sentence, '' '' ORDER BY s.n)
   FROM articles a, regexp_split_to_table(a.body, ''(?<=\\.)\\s+'') WITH ORDINALITY AS s(sentence, n)
   GROUP BY a.id, (s.n + 1) / 2
   ON CONFLICT (article_id, seq) DO NOTHING'
  ~> df.map(
       'SELECT c.id, jsonb_build_object(''model'', ''text-embedding-3-small'', ''dimensions'', 16, ''input'', c.body)::text AS request
        FROM chunks c
        WHERE NOT EXISTS (SELECT FROM chunk_embeddings e WHERE e.chunk_id = c.id)
        ORDER BY c.id',
       df.retry(df.http('{embedding_url}', 'POST', '$item.request',
                        '{"Authorization": "Bearer {embedding_key}", "Content-Type": "application/json"}', 30) |=> 'resp',
                max_attempts => 3, delay_seconds => 2)
       ~> 'INSERT INTO chunk_embeddings (chunk_id, embedding)
           VALUES ($item.id, embedding_from($resp.status, $resp.body))
           ON CONFLICT (chunk_id) DO UPDATE SET embedding = EXCLUDED.embedding, embedded_at = now()',
       concurrency => 8),
  'embed chunks');`;

/** The five chunks nearest to the first one. */
export const EMBEDDING_NEAREST = `SELECT c.id, round(cosine_similarity(e.embedding, q.embedding)::numeric, 3) AS similarity, c.body
FROM chunk_embeddings e
JOIN chunks c ON c.id = e.chunk_id
CROSS JOIN (SELECT embedding FROM chunk_embeddings WHERE chunk_id = 1) AS q
WHERE e.chunk_id <> 1
ORDER BY similarity DESC, c.id
LIMIT 5;`;

// `pg-durable status ID`.
import pg from 'pg';

export async function showStatus(url: string, id: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT df.status($1) AS status, df.result($1) AS result, df.error($1) AS error',
      [id],
    );
    const r = rows[0] as { status: string | null; result: string | null; error: string | null };
    if (r.status === null) throw new Error(`Instance not found or access denied: ${id}`);
    console.log(`${id}: ${r.status}`);
    if (r.result !== null) console.log(`result: ${r.result}`);
    if (r.error !== null) console.log(`error:  ${r.error}`);
  } finally {
    await client.end();
  }
}

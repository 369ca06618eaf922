// Starting a workflow as a role and waiting for its end: the role is anything that runs
// one-value queries as itself (an engine fixture, a security test's tenant).

/** Runs a query as the role and gives the first column of its first row. */
export interface AsRole {
  value<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}

export interface Finished {
  id: string;
  status: string;
  result: unknown;
  resultText: string | null;
  error: string | null;
}

/** Starts `expression` (SQL text producing an envelope, e.g. `'SELECT 1' ~> 'SELECT 2'`). */
export async function startWorkflow(fx: AsRole, expression: string, params: unknown[] = []): Promise<string> {
  return fx.value<string>(`SELECT df.start(${expression})`, params);
}

export async function awaitWorkflow(fx: AsRole, id: string, timeoutSeconds = 30): Promise<Finished> {
  const status = await fx.value<string>('SELECT df.await_instance($1, $2)', [id, timeoutSeconds]);
  const resultText = await fx.value<string | null>('SELECT df.result($1)', [id]);
  const error = await fx.value<string | null>('SELECT df.error($1)', [id]);
  return { id, status, resultText, result: resultText === null ? null : JSON.parse(resultText), error };
}

export async function runWorkflow(fx: AsRole, expression: string, params: unknown[] = []): Promise<Finished> {
  return awaitWorkflow(fx, await startWorkflow(fx, expression, params));
}

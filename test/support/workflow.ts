// Starting a workflow as the fixture's role and waiting for its end.
import type { EngineFixture } from './engine.js';

export interface Finished {
  id: string;
  status: string;
  result: unknown;
  resultText: string | null;
  error: string | null;
}

/** Starts `expression` (SQL text producing an envelope, e.g. `'SELECT 1' ~> 'SELECT 2'`). */
export async function startWorkflow(fx: EngineFixture, expression: string, params: unknown[] = []): Promise<string> {
  return fx.value<string>(`SELECT df.start(${expression})`, params);
}

export async function awaitWorkflow(fx: EngineFixture, id: string, timeoutSeconds = 30): Promise<Finished> {
  const status = await fx.value<string>('SELECT df.await_instance($1, $2)', [id, timeoutSeconds]);
  const { rows } = await fx.user.query('SELECT df.result($1) AS r, df.error($1) AS e', [id]);
  const resultText = rows[0].r as string | null;
  return { id, status, resultText, result: resultText === null ? null : JSON.parse(resultText), error: rows[0].e };
}

export async function runWorkflow(fx: EngineFixture, expression: string, params: unknown[] = []): Promise<Finished> {
  return awaitWorkflow(fx, await startWorkflow(fx, expression, params));
}

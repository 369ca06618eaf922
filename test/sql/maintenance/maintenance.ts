// What the maintenance tests share: a worker pool with the CLI's statement runner, and what a
// statement's effect and its dispatch look like from the role's side.
import { WorkerPool } from '../../../src/cli/worker-pool.js';
import { startWorkflow, type AsRole, type Finished } from '../../support/workflow.js';
import { waitFor } from '../../support/slow-step.js';

/** Worker sessions and the statement runner of a role (as `pg-durable worker` runs them). */
export async function statementPool(url: string, statementRenewMs?: number): Promise<WorkerPool> {
  const pool = new WorkerPool({ url, workers: 1, callSeconds: 2, idlePollMs: 5, statements: true, statementRenewMs });
  await pool.start();
  return pool;
}

/** How often the table was vacuumed by hand (VACUUM, not autovacuum). */
export function vacuumCount(role: AsRole, table: string): Promise<number> {
  // Qualified: the security tests call it in sessions with traps planted in public.
  return role.value<number>(
    `SELECT s.vacuum_count::pg_catalog.int4 FROM pg_catalog.pg_stat_user_tables s WHERE s.relname OPERATOR(pg_catalog.=) $1::pg_catalog.name`,
    [table],
  );
}

export async function waitForVacuums(role: AsRole, table: string, count: number): Promise<void> {
  await waitFor(`${count} vacuum(s) of ${table}`, async () => (await vacuumCount(role, table)) >= count);
}

export interface StatementDispatch {
  kind: string;
  request: { sql: string };
  lease_token: string | null;
  runner: string | null;
  leases: number;
  expired_leases: number;
}

/** What monitoring shows of an instance's dispatched step (df.instance_nodes), which outlives its dispatch row. */
export interface DispatchDetails {
  dispatched: string;
  attempt: number;
  runner: string | null;
  leases: number;
  expired_leases: number;
}

export async function dispatchDetails(role: AsRole, instanceId: string): Promise<DispatchDetails | undefined> {
  const details = await role.value<DispatchDetails | null>(
    `SELECT n.status_details FROM df.instance_nodes($1::pg_catalog.text) n WHERE n.status_details OPERATOR(pg_catalog.?) 'dispatched'`,
    [instanceId],
  );
  return details ?? undefined;
}

/**
 * The dispatch row of an instance's statement step, as its owner sees it, while its activation
 * lives: a worker's sweep removes it with the activation once the step has settled.
 */
export async function dispatchOf(role: AsRole, instanceId: string): Promise<StatementDispatch | undefined> {
  const row = await role.value<StatementDispatch | null>(
    `SELECT pg_catalog.row_to_json(d) FROM (SELECT kind, request, lease_token, runner, leases, expired_leases
                                            FROM df.dispatches WHERE instance_id OPERATOR(pg_catalog.=) $1::pg_catalog.text) d`,
    [instanceId],
  );
  return row ?? undefined;
}

/** The result every statement that cannot run in a transaction block gives. */
export const STATEMENT_RESULT = { rows: [], row_count: 0 };

/**
 * Waits for the instance to end by polling df.status, each poll its own transaction: CREATE
 * INDEX CONCURRENTLY waits for every older snapshot in the database, and a df.await_instance
 * call holds its statement's snapshot until it returns, so it would wait for the index and the
 * index for it (until the await timed out).
 */
export async function finishWorkflow(role: AsRole, id: string, timeoutSeconds = 60): Promise<Finished> {
  const terminal = ['completed', 'failed', 'cancelled'];
  await waitFor(`instance ${id} to end`, async () => terminal.includes(await role.value<string>('SELECT df.status($1)', [id])), timeoutSeconds * 1000);
  const status = await role.value<string>('SELECT df.status($1)', [id]);
  const resultText = await role.value<string | null>('SELECT df.result($1)', [id]);
  const error = await role.value<string | null>('SELECT df.error($1)', [id]);
  return { id, status, resultText, result: resultText === null ? null : JSON.parse(resultText), error };
}

export async function runToEnd(role: AsRole, expression: string, params: unknown[] = [], timeoutSeconds = 60): Promise<Finished> {
  return finishWorkflow(role, await startWorkflow(role, expression, params), timeoutSeconds);
}

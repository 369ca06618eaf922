// What the cleanup tests look at, as a superuser: the rows every df table holds for a set of
// instances, and instances made old by moving their timestamps back.
import type pg from 'pg';

/** The df tables that hold rows of an instance (branch_results through its activations). */
export const INSTANCE_TABLES = ['instances', 'nodes', 'activations', 'signals', 'results', 'branch_results'] as const;
export type RowCounts = Record<(typeof INSTANCE_TABLES)[number], number>;

/** Rows of these instances in every df table (all roles': run it as a superuser). */
export async function rowsOf(su: pg.Client, ids: readonly string[]): Promise<RowCounts> {
  const { rows } = await su.query(
    `SELECT (SELECT count(*) FROM df.instances WHERE id = ANY ($1))::int AS instances,
            (SELECT count(*) FROM df.nodes WHERE instance_id = ANY ($1))::int AS nodes,
            (SELECT count(*) FROM df.activations WHERE instance_id = ANY ($1))::int AS activations,
            (SELECT count(*) FROM df.signals WHERE instance_id = ANY ($1))::int AS signals,
            (SELECT count(*) FROM df.results WHERE instance_id = ANY ($1))::int AS results,
            (SELECT count(*) FROM df.branch_results b JOIN df.activations a ON a.id = b.activation_id AND a.owner = b.owner
             WHERE a.instance_id = ANY ($1))::int AS branch_results`,
    [ids],
  );
  return rows[0] as RowCounts;
}

/** Every row of every df table that belongs to no instance: what a cleanup must never leave. */
export async function orphanRows(su: pg.Client): Promise<number> {
  const { rows } = await su.query(
    `SELECT ((SELECT count(*) FROM df.nodes x WHERE NOT EXISTS (SELECT FROM df.instances i WHERE i.id = x.instance_id AND i.submitted_by = x.submitted_by))
           + (SELECT count(*) FROM df.activations x WHERE NOT EXISTS (SELECT FROM df.instances i WHERE i.id = x.instance_id AND i.submitted_by = x.owner))
           + (SELECT count(*) FROM df.signals x WHERE NOT EXISTS (SELECT FROM df.instances i WHERE i.id = x.instance_id AND i.submitted_by = x.owner))
           + (SELECT count(*) FROM df.results x WHERE NOT EXISTS (SELECT FROM df.instances i WHERE i.id = x.instance_id AND i.submitted_by = x.owner))
           + (SELECT count(*) FROM df.branch_results x WHERE NOT EXISTS (SELECT FROM df.activations a WHERE a.id = x.activation_id AND a.owner = x.owner))
           + (SELECT count(*) FROM df.map_items x WHERE NOT EXISTS (SELECT FROM df.activations a WHERE a.id = x.activation_id AND a.owner = x.owner))
           + (SELECT count(*) FROM df.map_results x WHERE NOT EXISTS (SELECT FROM df.activations a WHERE a.id = x.activation_id AND a.owner = x.owner))
           + (SELECT count(*) FROM df.item_results x WHERE NOT EXISTS (SELECT FROM df.activations a WHERE a.id = x.activation_id AND a.owner = x.owner))
           + (SELECT count(*) FROM df.dispatches x WHERE NOT EXISTS (SELECT FROM df.activations a WHERE a.id = x.activation_id AND a.owner = x.owner)))::int AS n`,
  );
  return rows[0].n as number;
}

/** Moves every timestamp of these instances `age` (an interval) into the past. */
export async function age(su: pg.Client, ids: readonly string[], interval: string): Promise<void> {
  await su.query(
    `UPDATE df.instances SET created_at = created_at - $2::interval, updated_at = updated_at - $2::interval,
                             completed_at = completed_at - $2::interval
     WHERE id = ANY ($1)`,
    [ids, interval],
  );
}

/** The ids of these instances that still exist. */
export async function remaining(su: pg.Client, ids: readonly string[]): Promise<string[]> {
  const { rows } = await su.query(`SELECT id FROM df.instances WHERE id = ANY ($1) ORDER BY id`, [ids]);
  return rows.map((r) => r.id as string);
}

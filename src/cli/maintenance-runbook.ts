// The maintenance runbook of docs/maintenance.md, as the demo runs it; the doc's test checks
// that the doc shows these very statements. A step's named result is always a literal, never
// an identifier, so the table to vacuum is picked when the runbook starts: a variable is raw
// SQL text, made an identifier with quote_ident (and a literal with quote_literal).

/** Its tables, once per database. */
export const RUNBOOK_TABLES = `CREATE TABLE maintenance_reports (
  id serial PRIMARY KEY,
  target text NOT NULL,
  dead_tuples bigint,
  requested_at timestamptz NOT NULL DEFAULT now(),
  decision text,
  decided_by text,
  outcome text,
  finished_at timestamptz
);`;

/** Picks the table with the most dead tuples. */
export const RUNBOOK_PICK = `SELECT df.setvar('target', quote_ident(schemaname) || '.' || quote_ident(relname)),
       df.setvar('target_literal', quote_literal(quote_ident(schemaname) || '.' || quote_ident(relname)))
FROM pg_stat_user_tables
ORDER BY n_dead_tup DESC, relid
LIMIT 1;`;

/** Records a report, waits up to an hour for an approval signal, vacuums the table and records the outcome. */
export const RUNBOOK_START = `SELECT df.start(
  ('INSERT INTO maintenance_reports (target, dead_tuples)
    SELECT {target_literal}, n_dead_tup FROM pg_stat_user_tables WHERE relid = {target_literal}::regclass
    RETURNING id' |=> 'report')
  ~> (df.wait_for_signal('approval', 3600) |=> 'approval')
  ~> df.if('SELECT NOT $approval.timed_out',
       'UPDATE maintenance_reports SET decision = ''approved'', decided_by = $approval.data::json ->> ''by'' WHERE id = $report'
       ~> 'VACUUM (ANALYZE) {target}'
       ~> 'UPDATE maintenance_reports SET outcome = ''vacuumed'', finished_at = now() WHERE id = $report RETURNING outcome',
       'UPDATE maintenance_reports SET decision = ''no answer'', outcome = ''skipped'', finished_at = now()
        WHERE id = $report RETURNING outcome'),
  'maintenance');`;

/** The approval the runbook waits for (the instance id comes from df.start). */
export const RUNBOOK_SIGNAL = { name: 'approval', data: '{"by": "alice"}' };

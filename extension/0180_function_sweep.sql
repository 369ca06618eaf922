-- Removes retired rows (settled activations, consumed signals) of every role. Users hold no
-- DELETE right on the shared tables, because DELETE would also let them LOCK a table
-- against every other role; they only mark their own rows retired (row-level security), so
-- running this as the owner removes nothing anyone still needs. Workers call
-- it as they go; bounded batches, and rows another transaction holds are left for later.
-- Nothing ever locks or changes a retired row again, so a caller that keeps its
-- transaction open blocks no one. (Unset variables are not swept: df.setvar reuses them.)
CREATE FUNCTION df._sweep() RETURNS bigint LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  WITH doomed_activations AS (
    SELECT a.owner, a.id FROM df.activations a WHERE a.retired LIMIT 10000 FOR UPDATE SKIP LOCKED
  ), activations AS (
    DELETE FROM df.activations a USING doomed_activations d WHERE a.owner = d.owner AND a.id = d.id RETURNING 1
  ), doomed_signals AS (
    SELECT s.owner, s.id FROM df.signals s WHERE s.retired LIMIT 10000 FOR UPDATE SKIP LOCKED
  ), signals AS (
    DELETE FROM df.signals s USING doomed_signals d WHERE s.owner = d.owner AND s.id = d.id RETURNING 1
  )
  SELECT (SELECT count(*) FROM activations) + (SELECT count(*) FROM signals)
$$;
COMMENT ON FUNCTION df._sweep() IS 'Internal: removes settled activations and consumed signals of all roles (called by workers); returns how many';

-- Removes retired rows (settled activations, consumed signals) of every role. Users hold no
-- DELETE right on the shared tables, because DELETE would also let them LOCK a table
-- against every other role; they only mark their own rows retired (row-level security), so
-- running this as the owner removes nothing anyone still needs. Workers call
-- it as they go; bounded batches, and rows another transaction holds are left for later.
-- Nothing ever changes a retired row again, but a role may lock the rows of df.item_results
-- and df.dispatches that go with its retired activations (it may update them): an activation
-- one of those is held of stays for a later sweep, so the cascade never waits, and a caller
-- that keeps its transaction open blocks no one. (Unset variables are not swept: df.setvar
-- reuses them.)
CREATE FUNCTION df._sweep() RETURNS bigint LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  WITH doomed_activations AS (
    SELECT a.owner, a.id FROM df.activations a WHERE a.retired LIMIT 10000 FOR UPDATE SKIP LOCKED
  ), item_results_all AS (
    SELECT r.owner, r.activation_id AS id, r.ctid AS t
    FROM df.item_results r JOIN doomed_activations d ON r.activation_id = d.id AND r.owner = d.owner
  ), item_results_got AS (
    SELECT r.ctid AS t
    FROM df.item_results r JOIN doomed_activations d ON r.activation_id = d.id AND r.owner = d.owner
    FOR UPDATE OF r SKIP LOCKED
  ), dispatches_all AS (
    SELECT x.owner, x.activation_id AS id, x.ctid AS t
    FROM df.dispatches x JOIN doomed_activations d ON x.activation_id = d.id AND x.owner = d.owner
  ), dispatches_got AS (
    SELECT x.ctid AS t
    FROM df.dispatches x JOIN doomed_activations d ON x.activation_id = d.id AND x.owner = d.owner
    FOR UPDATE OF x SKIP LOCKED
  ), held AS (
    SELECT h.owner, h.id FROM item_results_all h WHERE h.t NOT IN (SELECT g.t FROM item_results_got g)
    UNION
    SELECT h.owner, h.id FROM dispatches_all h WHERE h.t NOT IN (SELECT g.t FROM dispatches_got g)
  ), activations AS (
    DELETE FROM df.activations a USING doomed_activations d
    WHERE a.owner = d.owner AND a.id = d.id AND NOT EXISTS (SELECT FROM held h WHERE h.owner = d.owner AND h.id = d.id)
    RETURNING 1
  ), doomed_signals AS (
    SELECT s.owner, s.id FROM df.signals s WHERE s.retired LIMIT 10000 FOR UPDATE SKIP LOCKED
  ), signals AS (
    DELETE FROM df.signals s USING doomed_signals d WHERE s.owner = d.owner AND s.id = d.id RETURNING 1
  )
  SELECT (SELECT count(*) FROM activations) + (SELECT count(*) FROM signals)
$$;
COMMENT ON FUNCTION df._sweep() IS 'Internal: removes settled activations and consumed signals of all roles (called by workers); returns how many';

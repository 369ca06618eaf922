-- Removes one batch of a role's terminal instances that the retention policy lets go: those
-- that ended (updated_at: nothing changes a terminal instance afterwards) more than p_period
-- ago, and those beyond the role's newest max_instances terminal ones (by creation). Every
-- dependent row goes with its instance (the foreign keys cascade: nodes, activations and their
-- branch_results, map_items, map_results, item_results and dispatches, signals, results).
-- Superusers only (it takes no account of who calls); df.cleanup, df.run_cleanup and
-- df._cleanup_scoped decide whose instances and how old.
--
-- It never waits for anyone: a row another session holds (a worker still running a step of a
-- race the instance lost, the sweep, a role keeping a lock on its own rows) leaves its instance
-- for a later run. Activations are locked before their instance, so an instance whose step a
-- worker runs is never locked here; once the instance row is locked no row can be added to it
-- (that needs a key-share lock on it), so every row left is locked here before the DELETE, and
-- its cascade only meets rows already held. Unfinished instances are never candidates, and the
-- conditions are checked again on the locked row. Instances are taken in creation order along
-- instances_submitted_by_created_idx, after the key p_after_*: those left behind are not looked
-- at again in the same run; the caller passes the last key back until it gets none.
CREATE FUNCTION df._cleanup_instances(p_owner regrole, p_period interval,
                                      p_after_at timestamptz DEFAULT NULL, p_after_id text DEFAULT NULL)
RETURNS TABLE (removed bigint, last_created_at timestamptz, last_id text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_settings record;
  v_cutoff timestamptz;
  v_cap_at timestamptz := '-infinity';  -- instances created before this key are beyond the cap
  v_cap_id text := '';
  v_range_at timestamptz;               -- and no candidate is created at or after this key
  v_range_id text := '';
  v_candidates text[];
  v_busy text[];
  v_locked text[];
BEGIN
  IF p_owner IS NULL OR p_period IS NULL THEN
    RAISE EXCEPTION 'df._cleanup_instances needs a role and a period' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF p_period < '0'::interval THEN
    RAISE EXCEPTION 'older_than must not be negative, got %', p_period USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    -- One snapshot for the whole transaction cannot skip what others lock meanwhile.
    RAISE EXCEPTION 'pg_durable cleanup cannot run in a % transaction', current_setting('transaction_isolation')
      USING ERRCODE = 'invalid_transaction_state',
            HINT = 'Run it in a READ COMMITTED transaction (BEGIN ISOLATION LEVEL READ COMMITTED).';
  END IF;
  SELECT * INTO v_settings FROM df._retention_settings();
  v_cutoff := now() - p_period;
  v_range_at := v_cutoff;  -- an instance ends after it is created

  IF v_settings.max_instances > 0 THEN
    SELECT i.created_at, i.id INTO v_cap_at, v_cap_id
    FROM df.instances i
    WHERE i.submitted_by = p_owner AND i.status IN ('completed', 'failed', 'cancelled')
    ORDER BY i.created_at DESC, i.id DESC
    OFFSET v_settings.max_instances - 1 LIMIT 1;
    IF NOT FOUND THEN
      v_cap_at := '-infinity';
      v_cap_id := '';
    ELSIF (v_cap_at, v_cap_id) > (v_range_at, v_range_id) THEN
      v_range_at := v_cap_at;
      v_range_id := v_cap_id;
    END IF;
  END IF;

  SELECT array_agg(c.id ORDER BY c.created_at, c.id), (array_agg(c.created_at ORDER BY c.created_at DESC, c.id DESC))[1],
         (array_agg(c.id ORDER BY c.created_at DESC, c.id DESC))[1]
  INTO v_candidates, last_created_at, last_id
  FROM (SELECT i.id::text AS id, i.created_at FROM df.instances i
        WHERE i.submitted_by = p_owner
          AND (i.created_at, i.id::text) < (v_range_at, v_range_id)
          AND (i.created_at, i.id::text) > (coalesce(p_after_at, '-infinity'), coalesce(p_after_id, ''))
          AND i.status IN ('completed', 'failed', 'cancelled')
          AND (i.updated_at < v_cutoff OR (i.created_at, i.id::text) < (v_cap_at, v_cap_id))
        ORDER BY i.created_at, i.id LIMIT v_settings.batch_size) c;
  removed := 0;
  IF v_candidates IS NULL THEN
    RETURN NEXT;
    RETURN;
  END IF;

  -- 1. Their activations, unless someone holds one (a worker running a step of it, the sweep).
  WITH all_rows AS (
    SELECT a.instance_id, a.ctid AS t FROM df.activations a WHERE a.owner = p_owner AND a.instance_id = ANY (v_candidates)
  ), got AS (
    SELECT a.ctid AS t FROM df.activations a WHERE a.owner = p_owner AND a.instance_id = ANY (v_candidates)
    FOR UPDATE OF a SKIP LOCKED
  )
  SELECT array_agg(DISTINCT r.instance_id::text) INTO v_busy FROM all_rows r WHERE r.t NOT IN (SELECT g.t FROM got g);

  -- 2. The instances that are free, still terminal and still due.
  SELECT array_agg(x.id) INTO v_locked
  FROM (SELECT i.id::text AS id FROM df.instances i
        WHERE i.submitted_by = p_owner AND i.id = ANY (v_candidates) AND NOT i.id = ANY (coalesce(v_busy, '{}'))
          AND i.status IN ('completed', 'failed', 'cancelled')
          AND (i.updated_at < v_cutoff OR (i.created_at, i.id::text) < (v_cap_at, v_cap_id))
        FOR UPDATE OF i SKIP LOCKED) x;

  -- 3. Every row of theirs, or the instance waits for a later run.
  WITH nodes_all AS (
    SELECT n.instance_id, n.ctid AS t FROM df.nodes n WHERE n.submitted_by = p_owner AND n.instance_id = ANY (v_locked)
  ), nodes_got AS (
    SELECT n.ctid AS t FROM df.nodes n WHERE n.submitted_by = p_owner AND n.instance_id = ANY (v_locked) FOR UPDATE OF n SKIP LOCKED
  ), acts_all AS (
    SELECT a.instance_id, a.ctid AS t FROM df.activations a WHERE a.owner = p_owner AND a.instance_id = ANY (v_locked)
  ), acts_got AS (
    SELECT a.ctid AS t FROM df.activations a WHERE a.owner = p_owner AND a.instance_id = ANY (v_locked) FOR UPDATE OF a SKIP LOCKED
  ), branches_all AS (
    SELECT a.instance_id, b.ctid AS t FROM df.branch_results b JOIN df.activations a ON a.id = b.activation_id AND a.owner = b.owner
    WHERE a.owner = p_owner AND a.instance_id = ANY (v_locked)
  ), branches_got AS (
    SELECT b.ctid AS t FROM df.branch_results b JOIN df.activations a ON a.id = b.activation_id AND a.owner = b.owner
    WHERE a.owner = p_owner AND a.instance_id = ANY (v_locked) FOR UPDATE OF b SKIP LOCKED
  ), map_items_all AS (
    SELECT a.instance_id, m.ctid AS t FROM df.map_items m JOIN df.activations a ON a.id = m.activation_id AND a.owner = m.owner
    WHERE a.owner = p_owner AND a.instance_id = ANY (v_locked)
  ), map_items_got AS (
    SELECT m.ctid AS t FROM df.map_items m JOIN df.activations a ON a.id = m.activation_id AND a.owner = m.owner
    WHERE a.owner = p_owner AND a.instance_id = ANY (v_locked) FOR UPDATE OF m SKIP LOCKED
  ), map_results_all AS (
    SELECT a.instance_id, m.ctid AS t FROM df.map_results m JOIN df.activations a ON a.id = m.activation_id AND a.owner = m.owner
    WHERE a.owner = p_owner AND a.instance_id = ANY (v_locked)
  ), map_results_got AS (
    SELECT m.ctid AS t FROM df.map_results m JOIN df.activations a ON a.id = m.activation_id AND a.owner = m.owner
    WHERE a.owner = p_owner AND a.instance_id = ANY (v_locked) FOR UPDATE OF m SKIP LOCKED
  ), item_results_all AS (
    SELECT a.instance_id, r.ctid AS t FROM df.item_results r JOIN df.activations a ON a.id = r.activation_id AND a.owner = r.owner
    WHERE a.owner = p_owner AND a.instance_id = ANY (v_locked)
  ), item_results_got AS (
    SELECT r.ctid AS t FROM df.item_results r JOIN df.activations a ON a.id = r.activation_id AND a.owner = r.owner
    WHERE a.owner = p_owner AND a.instance_id = ANY (v_locked) FOR UPDATE OF r SKIP LOCKED
  ), dispatches_all AS (
    SELECT d.instance_id, d.ctid AS t FROM df.dispatches d WHERE d.owner = p_owner AND d.instance_id = ANY (v_locked)
  ), dispatches_got AS (
    SELECT d.ctid AS t FROM df.dispatches d WHERE d.owner = p_owner AND d.instance_id = ANY (v_locked) FOR UPDATE OF d SKIP LOCKED
  ), signals_all AS (
    SELECT s.instance_id, s.ctid AS t FROM df.signals s WHERE s.owner = p_owner AND s.instance_id = ANY (v_locked)
  ), signals_got AS (
    SELECT s.ctid AS t FROM df.signals s WHERE s.owner = p_owner AND s.instance_id = ANY (v_locked) FOR UPDATE OF s SKIP LOCKED
  ), results_all AS (
    SELECT r.instance_id, r.ctid AS t FROM df.results r WHERE r.owner = p_owner AND r.instance_id = ANY (v_locked)
  ), results_got AS (
    SELECT r.ctid AS t FROM df.results r WHERE r.owner = p_owner AND r.instance_id = ANY (v_locked) FOR UPDATE OF r SKIP LOCKED
  )
  SELECT array_agg(DISTINCT h.instance_id::text) INTO v_busy FROM (
    SELECT x.instance_id FROM nodes_all x WHERE x.t NOT IN (SELECT g.t FROM nodes_got g)
    UNION ALL SELECT x.instance_id FROM acts_all x WHERE x.t NOT IN (SELECT g.t FROM acts_got g)
    UNION ALL SELECT x.instance_id FROM branches_all x WHERE x.t NOT IN (SELECT g.t FROM branches_got g)
    UNION ALL SELECT x.instance_id FROM map_items_all x WHERE x.t NOT IN (SELECT g.t FROM map_items_got g)
    UNION ALL SELECT x.instance_id FROM map_results_all x WHERE x.t NOT IN (SELECT g.t FROM map_results_got g)
    UNION ALL SELECT x.instance_id FROM item_results_all x WHERE x.t NOT IN (SELECT g.t FROM item_results_got g)
    UNION ALL SELECT x.instance_id FROM dispatches_all x WHERE x.t NOT IN (SELECT g.t FROM dispatches_got g)
    UNION ALL SELECT x.instance_id FROM signals_all x WHERE x.t NOT IN (SELECT g.t FROM signals_got g)
    UNION ALL SELECT x.instance_id FROM results_all x WHERE x.t NOT IN (SELECT g.t FROM results_got g)
  ) h;

  DELETE FROM df.instances i
  WHERE i.submitted_by = p_owner AND i.id = ANY (v_locked) AND NOT i.id = ANY (coalesce(v_busy, '{}'));
  GET DIAGNOSTICS removed = ROW_COUNT;
  RAISE DEBUG '%', format('pg_durable: cleanup removed %s of %s instance(s) of role %s in transaction %s',
                          removed, cardinality(v_candidates), p_owner, pg_current_xact_id_if_assigned());
  RETURN NEXT;
END
$$;
COMMENT ON FUNCTION df._cleanup_instances(regrole, interval, timestamptz, text) IS
'Internal: remove one batch of a role''s terminal instances that ended more than p_period ago or are beyond the count '
'cap, with all their rows, skipping what others hold; returns how many and the last key looked at (NULL: none left). '
'For superusers.';

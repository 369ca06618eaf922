-- The items of an instance's MAPs, one keyset page at a time (spec/map.md: per-item statuses
-- are inspectable without loading all items). A MAP that runs keeps its items in
-- df.map_items, the outcomes of its settled items in df.map_results and its counts and the
-- next item to start in its activation's memo; an item in flight is the body activation in
-- slot `item:N` under it, with the body's live activations below that. Once a MAP has
-- completed, only its result row set in df.nodes is left, and the page is read from there.
--
-- Cost follows the page, not the items: the page is a key range of map_items and map_results
-- ((activation_id, item, owner)), the bodies in flight are the MAP activation's live children
-- (activations_parent_idx: at most `concurrency` of them), the in-flight steps of an item
-- its live subtree (the same index), and the MAP activations are found among the instance's
-- activations (activations_instance_idx), which hold no row per waiting or settled item
-- (settled ones are retired and swept). No index is added. A completed MAP's page comes from
-- its result, which is one jsonb value: it is read (decompressed) whole once per call, the one
-- cost here that grows with the items (a few ms per 10,000), and then indexed per item.
--
-- A MAP inside the items of another MAP runs once per outer item: each live run gives its own
-- page, with the outer item numbers in outer_items (outermost first); the outcome of a run that
-- has settled is part of its outer item's result, so such a MAP shows only its live runs. A MAP
-- that failed keeps its failed items (with their rows and errors) in its status_details, and
-- shows those.
--
-- SECURITY INVOKER, as the other monitoring functions: row-level security shows a role its own
-- instances only (another role's id is "not found", as it is for a missing one), and every
-- row is read with the instance owner's keys, so a session that sees every row (a superuser)
-- still reads only the owner's rows of the instance.
CREATE FUNCTION df.instance_items(id text, map_node integer DEFAULT NULL, after_item integer DEFAULT 0,
                                  limit_count integer DEFAULT 100)
RETURNS TABLE (node_id integer, outer_items integer[], item integer, item_row json, status text, result json,
               in_flight json)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_id text := id;
  v_node integer := map_node;
  v_after integer := after_item;
  v_limit integer := df._list_limit(limit_count);  -- the cap of df.list_instances
  v_owner regrole;
  v_type text;
  v_rows jsonb;
  m record;
  r record;
BEGIN
  IF v_after IS NULL OR v_after < 0 THEN
    RAISE EXCEPTION 'after_item must be at least 0, got %', coalesce(v_after::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Pass 0 for the first page, then the last item number of the page before.';
  END IF;
  SELECT i.submitted_by INTO v_owner FROM df.instances i WHERE i.id = v_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'Instance not found or access denied: %', coalesce(v_id, 'NULL')
      USING ERRCODE = 'undefined_object',
            HINT = 'df.list_instances() lists the instances you can see; each role sees only its own.';
  END IF;
  IF v_node IS NOT NULL THEN
    SELECT n.node_type INTO v_type FROM df.nodes n
    WHERE n.instance_id = v_id AND n.submitted_by = v_owner AND n.id = v_node;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'instance % has no node %', v_id, v_node
        USING ERRCODE = 'invalid_parameter_value',
              HINT = 'df.instance_nodes(id) lists the nodes of an instance; pass the node_id of a MAP, or NULL for all of them.';
    END IF;
    IF v_type <> 'MAP' THEN
      RAISE EXCEPTION 'node % of instance % is a % node, not a MAP', v_node, v_id, v_type
        USING ERRCODE = 'invalid_parameter_value',
              HINT = 'df.instance_nodes(id) lists the nodes of an instance; pass the node_id of a MAP, or NULL for all of them.';
    END IF;
  END IF;

  FOR m IN
    SELECT n.id, n.status,
           EXISTS (SELECT FROM df.activations a
                   WHERE a.instance_id = v_id AND a.owner = v_owner AND a.node_id = n.id AND NOT a.retired) AS live
    FROM df.nodes n
    WHERE n.instance_id = v_id AND n.submitted_by = v_owner AND n.node_type = 'MAP' AND (v_node IS NULL OR n.id = v_node)
    ORDER BY n.id
  LOOP
    IF m.live THEN
      -- Each live run of the MAP, by the outer items it runs in.
      FOR r IN
        SELECT a.id AS run, s.outer_items,
               CASE WHEN json_typeof(a.memo -> 'next') = 'number' THEN (a.memo ->> 'next')::numeric END AS next_item
        FROM df.activations a
        CROSS JOIN LATERAL (
          SELECT coalesce(array_agg((e.v ->> 2)::integer ORDER BY e.k), '{}') AS outer_items
          FROM json_array_elements(CASE WHEN json_typeof(a.memo -> 'scope') = 'array' THEN a.memo -> 'scope' ELSE '[]' END)
               WITH ORDINALITY AS e (v, k)) s
        WHERE a.instance_id = v_id AND a.owner = v_owner AND a.node_id = m.id AND NOT a.retired
        ORDER BY s.outer_items, a.id
      LOOP
        -- Every lookup below is by key, per row (OFFSET 0 keeps a subquery from being joined
        -- another way), so no plan, whatever the statistics say, scans more than the page needs.
        RETURN QUERY
        WITH RECURSIVE page AS MATERIALIZED (
          SELECT mi.item, mi.value FROM df.map_items mi
          WHERE mi.activation_id = r.run AND mi.owner = v_owner AND mi.item > v_after
          ORDER BY mi.item LIMIT v_limit
        ), tree (item, id, node_id, leaf, attempt, wake_at) AS (
          -- The bodies in flight of the page's items (the run's live children, at most
          -- `concurrency`, read once), then their live activations. UNION: rows a role writes
          -- by hand cannot make a cycle that keeps its own monitoring spinning.
          SELECT c.item, c.id, c.node_id, c.leaf, c.attempt, c.wake_at
          FROM (SELECT CASE WHEN c.slot ~ '^item:[0-9]{1,9}$' THEN substr(c.slot, 6)::integer END AS item,
                       c.id, c.node_id, c.leaf, c.attempt, c.wake_at
                FROM df.activations c
                WHERE c.parent_id = r.run AND c.owner = v_owner AND NOT c.retired) c
          WHERE c.item > v_after AND c.item <= (SELECT max(p.item) FROM page p)
          UNION
          SELECT t.item, a.id, a.node_id, a.leaf, a.attempt, a.wake_at
          FROM tree t
          CROSS JOIN LATERAL (
            SELECT a.id, a.node_id, a.leaf, a.attempt, a.wake_at FROM df.activations a
            WHERE a.parent_id = t.id AND a.owner = v_owner AND NOT a.retired OFFSET 0) a
        ), steps AS (
          -- The leaves are the steps in flight: waiting for their wake time, a worker or a runner.
          SELECT t.item,
                 json_agg(json_build_object(
                   'node_id', t.node_id,
                   'node_type', (SELECT n.node_type FROM df.nodes n
                                 WHERE n.instance_id = v_id AND n.submitted_by = v_owner AND n.id = t.node_id),
                   'attempt', t.attempt, 'wake_at', t.wake_at,
                   'dispatch', (SELECT CASE WHEN d.lease_until > clock_timestamp()
                                            THEN json_build_object('state', 'leased', 'runner', d.runner, 'lease_until', d.lease_until)
                                            ELSE json_build_object('state', 'waiting') END
                                FROM df.dispatches d
                                WHERE d.activation_id = t.id AND d.owner = v_owner AND t.wake_at = 'infinity'::timestamptz))
                   ORDER BY t.node_id, t.id) AS in_flight
          FROM tree t
          WHERE t.leaf
          GROUP BY t.item
        )
        SELECT m.id, r.outer_items, p.item, p.value,
               coalesce(x.status, CASE WHEN p.item < r.next_item THEN 'running' ELSE 'waiting' END),
               x.result,
               CASE WHEN x.status IS NULL THEN s.in_flight END
        FROM page p
        LEFT JOIN LATERAL (
          SELECT x.status, x.result FROM df.map_results x
          WHERE x.activation_id = r.run AND x.item = p.item AND x.owner = v_owner OFFSET 0) x ON true
        LEFT JOIN steps s ON s.item = p.item
        ORDER BY p.item;
      END LOOP;
    ELSIF m.status IN ('completed', 'failed') AND NOT EXISTS (
      -- Inside the items of another MAP (below its body, right_node), whose runs are gone.
      WITH RECURSIVE up (id, child) AS (
        SELECT n.parent_node, n.id FROM df.nodes n
        WHERE n.instance_id = v_id AND n.submitted_by = v_owner AND n.id = m.id
        UNION
        SELECT n.parent_node, n.id FROM up u
        JOIN df.nodes n ON n.instance_id = v_id AND n.submitted_by = v_owner AND n.id = u.id
      )
      SELECT FROM up u
      JOIN df.nodes n ON n.instance_id = v_id AND n.submitted_by = v_owner AND n.id = u.id
      WHERE n.node_type = 'MAP' AND n.right_node = u.child
    ) THEN
      IF m.status = 'failed' THEN
        -- A failed MAP: its failed items (map.ts), [{item, row, error}] in item order.
        SELECT n.status_details -> 'failed_items' INTO v_rows FROM df.nodes n
        WHERE n.instance_id = v_id AND n.submitted_by = v_owner AND n.id = m.id;
        IF jsonb_typeof(v_rows) = 'array' THEN
          RETURN QUERY
          SELECT m.id, '{}'::integer[], (e.v ->> 'item')::integer, (e.v -> 'row')::json, 'failed'::text,
                 (e.v -> 'error')::json, NULL::json
          FROM jsonb_array_elements(v_rows) AS e (v)
          WHERE (e.v ->> 'item')::integer > v_after
          ORDER BY (e.v ->> 'item')::integer
          LIMIT v_limit;
        END IF;
        CONTINUE;
      END IF;
      -- A completed MAP: its result row set, (item, status, result) in item order.
      SELECT n.result -> 'rows' INTO v_rows FROM df.nodes n
      WHERE n.instance_id = v_id AND n.submitted_by = v_owner AND n.id = m.id;
      IF jsonb_typeof(v_rows) = 'array' THEN
        RETURN QUERY
        SELECT m.id, '{}'::integer[], g.i::integer, (e.v -> 'item')::json, e.v ->> 'status', (e.v -> 'result')::json,
               NULL::json
        FROM generate_series(v_after::bigint + 1, least(v_after::bigint + v_limit, jsonb_array_length(v_rows))) AS g (i)
        CROSS JOIN LATERAL (SELECT v_rows -> (g.i - 1)::integer AS v) e
        ORDER BY g.i;
      END IF;
    END IF;
  END LOOP;
END
$$;
COMMENT ON FUNCTION df.instance_items(text, integer, integer, integer) IS
'The items of an instance''s MAPs (or of node map_node), limit_count items after item after_item of each: the MAP node, '
'the outer item numbers of a MAP inside another MAP''s items, the item number and row, its status (waiting, running, '
'completed, failed), the body''s result or error once settled, and the body''s steps in flight while it runs';

-- Monitoring (spec section 12). An "execution" here is one run of an instance from start to
-- end (pg_durable never replays), so each instance has exactly one; its events are the
-- steps that ran.
CREATE FUNCTION df._list_limit(limit_count integer) RETURNS integer LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  -- An administrator's cap (df._admin_setting): a role cannot lift it for itself.
  v_max integer := coalesce(nullif(df._admin_setting('pg_durable.list_instances_max_limit'), '')::integer, 1000);
BEGIN
  IF limit_count IS NULL OR limit_count < 1 THEN
    RAISE EXCEPTION 'limit_count must be at least 1, got %', coalesce(limit_count::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF limit_count > v_max THEN
    RAISE EXCEPTION 'limit_count % exceeds pg_durable.list_instances_max_limit (%)', limit_count, v_max
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Ask for fewer rows and fetch the next page from the last one (after_cursor, after_item), or have an administrator raise the limit with ALTER DATABASE … SET pg_durable.list_instances_max_limit.';
  END IF;
  RETURN limit_count;
END
$$;
COMMENT ON FUNCTION df._list_limit(integer) IS 'Internal: validates a list limit against its cap';

CREATE FUNCTION df.list_instances(status_filter text DEFAULT NULL, limit_count integer DEFAULT 100)
RETURNS TABLE (instance_id text, label text, function_name text, status text, execution_count bigint, output text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT i.id::text, i.label, 'workflow', i.status,
         (SELECT count(*) FROM df.nodes n WHERE n.instance_id = i.id AND n.status IN ('completed', 'failed')
            AND n.node_type IN ('SQL', 'SLEEP', 'WAIT_SCHEDULE', 'SIGNAL', 'BREAK', 'HTTP')),
         coalesce(i.result::text, i.error)
  FROM df.instances i
  WHERE status_filter IS NULL OR i.status = status_filter
  ORDER BY i.created_at DESC, i.id DESC
  LIMIT df._list_limit(limit_count)
$$;
COMMENT ON FUNCTION df.list_instances(text, integer) IS 'Your instances, newest first';

CREATE FUNCTION df.list_instances(status_filter text, limit_count integer, label_filter text, after_cursor text DEFAULT NULL)
RETURNS TABLE (instance_id text, label text, function_name text, status text, execution_count bigint, output text,
               created_at timestamptz, completed_at timestamptz, next_cursor text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_limit integer := df._list_limit(limit_count);
  v_after_at timestamptz;
  v_after_id text;
BEGIN
  -- The cursor is "<created_at as epoch microseconds>:<id>" of the last row of the previous page.
  IF after_cursor IS NOT NULL THEN
    IF after_cursor !~ '^[0-9]+:[0-9a-f]{8}$' THEN
      RAISE EXCEPTION 'invalid after_cursor: %', after_cursor
        USING ERRCODE = 'invalid_parameter_value', HINT = 'Pass the next_cursor value of the previous page unchanged.';
    END IF;
    v_after_at := to_timestamp(split_part(after_cursor, ':', 1)::numeric / 1000000);
    v_after_id := split_part(after_cursor, ':', 2);
  END IF;
  RETURN QUERY
  WITH page AS (
    SELECT i.*, count(*) OVER () AS n, row_number() OVER (ORDER BY i.created_at DESC, i.id DESC) AS r
    FROM (
      SELECT * FROM df.instances i
      WHERE (status_filter IS NULL OR i.status = status_filter)
        AND (label_filter IS NULL OR i.label = label_filter)
        AND (after_cursor IS NULL OR (i.created_at, i.id::text) < (v_after_at, v_after_id))
      ORDER BY i.created_at DESC, i.id DESC
      LIMIT v_limit + 1) i
  ), last_row AS (
    SELECT p.created_at, p.id FROM page p WHERE p.r = v_limit
  )
  SELECT p.id::text, p.label, 'workflow'::text, p.status,
         (SELECT count(*) FROM df.nodes n WHERE n.instance_id = p.id AND n.status IN ('completed', 'failed')
            AND n.node_type IN ('SQL', 'SLEEP', 'WAIT_SCHEDULE', 'SIGNAL', 'BREAK', 'HTTP')),
         coalesce(p.result::text, p.error), p.created_at, p.completed_at,
         CASE WHEN p.n > v_limit THEN
           (SELECT (extract(epoch FROM l.created_at) * 1000000)::bigint::text || ':' || l.id FROM last_row l)
         END
  FROM page p WHERE p.r <= v_limit ORDER BY p.r;
END
$$;
COMMENT ON FUNCTION df.list_instances(text, integer, text, text) IS 'Your instances, newest first, one keyset page at a time';

CREATE FUNCTION df.instance_info(id text)
RETURNS TABLE (instance_id text, label text, function_name text, function_version text, current_execution_id bigint,
               status text, output text)
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT i.id::text, i.label, 'workflow', df.version(), 1::bigint, i.status, coalesce(i.result::text, i.error)
  FROM df.instances i WHERE i.id = $1
$$;
COMMENT ON FUNCTION df.instance_info(text) IS 'One instance: status and output (result or error)';

CREATE FUNCTION df._inferred_statuses(id text)
RETURNS TABLE (node_id integer, inferred_status text, inferred_status_from_ancestor_id integer)
LANGUAGE plv8 STABLE STRICT
AS $$ return @API@.inferredStatuses(id); $$;
COMMENT ON FUNCTION df._inferred_statuses(text) IS 'Internal: the inferred (skipped) status of each node of an instance';

-- result and status_details come straight from df.nodes: JSON values, exact.
CREATE FUNCTION df.instance_nodes(id text)
RETURNS TABLE (node_id integer, node_type text, query text, result_name text, left_node integer, right_node integer,
               status text, result jsonb, status_details jsonb, inferred_status text,
               inferred_status_from_ancestor_id integer, updated_at timestamptz)
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT n.id, n.node_type,
         CASE WHEN n.node_type IN ('HTTP', 'HTTP_MULTIPART') THEN df._masked_query(n.node_type, n.query) ELSE n.query END,
         n.result_name, n.left_node, n.right_node, n.status, n.result, n.status_details,
         s.inferred_status, s.inferred_status_from_ancestor_id, n.updated_at
  FROM df._inferred_statuses($1) s
  JOIN df.instances i ON i.id = $1
  JOIN df.nodes n ON n.instance_id = i.id AND n.submitted_by = i.submitted_by AND n.id = s.node_id
  ORDER BY n.id
$$;
COMMENT ON FUNCTION df.instance_nodes(text) IS 'The nodes of an instance with physical and inferred (skipped) statuses';

CREATE FUNCTION df.instance_executions(id text, limit_count integer DEFAULT 5)
RETURNS TABLE (execution_id bigint, status text, event_count bigint, duration_ms bigint, output text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT 1::bigint, i.status,
         (SELECT count(*) FROM df.nodes n WHERE n.instance_id = i.id AND n.status IN ('completed', 'failed')),
         (extract(epoch FROM coalesce(i.completed_at, CASE WHEN i.status IN ('failed', 'cancelled') THEN i.updated_at END, now())
                  - i.created_at) * 1000)::bigint,
         coalesce(i.result::text, i.error)
  FROM df.instances i WHERE i.id = $1
  LIMIT df._list_limit(limit_count)
$$;
COMMENT ON FUNCTION df.instance_executions(text, integer) IS 'Executions of an instance (pg_durable runs each instance once)';

CREATE FUNCTION df._js_explain(input text, format text) RETURNS text[] LANGUAGE plv8 VOLATILE STRICT
AS $$ return @API@.explain(input, format); $$;
CREATE FUNCTION df.explain(input text, format text DEFAULT 'text') RETURNS text LANGUAGE sql VOLATILE STRICT
RETURN df._unwrap(df._js_explain($1, $2));
COMMENT ON FUNCTION df.explain(text, text) IS 'A tree view of an instance (by id), an envelope, a DSL expression or a statement; format text, full (whole statements) or mermaid';

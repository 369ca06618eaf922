-- Settings that change how workflows behave (the fake clock for tests, loop pacing, result
-- and list bounds) are read only from what an administrator set for the whole database
-- (ALTER DATABASE … SET, or ALTER ROLE ALL … SET): a role's own SET or ALTER ROLE is ignored,
-- so no ordinary role can speed up its timers or lift a bound for itself.
CREATE FUNCTION df._admin_setting(p_name text) RETURNS text LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT substr(c, length(p_name) + 2)
  FROM pg_db_role_setting s CROSS JOIN LATERAL unnest(s.setconfig) AS c
  WHERE s.setrole = 0
    AND s.setdatabase IN (0, (SELECT d.oid FROM pg_database d WHERE d.datname = current_database()))
    AND starts_with(c, p_name || '=')
  ORDER BY s.setdatabase DESC
  LIMIT 1
$$;
COMMENT ON FUNCTION df._admin_setting(text) IS 'Internal: a pg_durable setting as an administrator set it for this database, else NULL';

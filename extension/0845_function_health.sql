-- Health per role (issue 12): one line per check with a level (ok, warning, critical) that an
-- operator can alert on; `pg-durable health` prints it and exits 0, 1 or 2. The checks and
-- their thresholds are in df._health_lines and df._health_settings. SECURITY INVOKER: what the
-- lines are about is what the caller's rows are (row-level security shows an ordinary role its
-- own; a superuser or BYPASSRLS role sees every role's). A delegated administrator, which
-- row-level security keeps to its own rows, gets every role's through df._health_all, as
-- df.metrics gives it totals. Whether the caller may is asked of the current user here (a
-- SECURITY DEFINER function of another role that calls this gets its owner's lines), and of
-- the session's role in df._health_all.
CREATE FUNCTION df.health()
RETURNS TABLE (role text, check_name text, level text, detail text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles r WHERE r.rolname = current_user AND (r.rolsuper OR r.rolbypassrls))
     AND has_function_privilege('df.metrics()'::regprocedure, 'EXECUTE') THEN
    RETURN QUERY SELECT h.role, h.check_name, h.level, h.detail FROM df._health_all() h;
  ELSE
    RETURN QUERY SELECT h.role, h.check_name, h.level, h.detail FROM df._health_lines() h;
  END IF;
END
$$;
COMMENT ON FUNCTION df.health() IS
'Health of pg_durable per role: workers, ready_work, stuck_instances, outside_work and failures, each ok, warning or '
'critical with a detail. Ordinary roles see their own lines; superusers and delegated administrators every role that has '
'instances or workers. Thresholds: pg_durable.health_* settings an administrator sets with ALTER DATABASE.';

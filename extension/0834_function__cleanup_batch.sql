-- One cleanup batch for one role, as the current role may do it: a superuser (the current
-- role, not only the session's: a superuser calling another role's SECURITY DEFINER function
-- does not lend it this) removes any role's instances as old as asked; everyone else goes
-- through df._cleanup_scoped.
CREATE FUNCTION df._cleanup_batch(p_owner regrole, p_older_than interval,
                                  p_after_at timestamptz DEFAULT NULL, p_after_id text DEFAULT NULL)
RETURNS TABLE (removed bigint, last_created_at timestamptz, last_id text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF p_older_than < '0'::interval THEN
    RAISE EXCEPTION 'older_than must not be negative, got %', p_older_than USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user), false) THEN
    RETURN QUERY SELECT * FROM df._cleanup_instances(
      p_owner, coalesce(p_older_than, (SELECT s.retention_period FROM df._retention_settings() s)), p_after_at, p_after_id);
  ELSE
    RETURN QUERY SELECT * FROM df._cleanup_scoped(p_owner, p_older_than, p_after_at, p_after_id);
  END IF;
END
$$;
COMMENT ON FUNCTION df._cleanup_batch(regrole, interval, timestamptz, text) IS
'Internal: one cleanup batch of a role''s terminal instances, as far as the current role may go';

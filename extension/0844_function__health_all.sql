-- df.health for delegated administrators: every role's lines, read with the extension owner's
-- rights (SECURITY DEFINER), as df.metrics reads its totals. Like df.metrics it is part of the
-- administration grants (df._usage_privileges), so only superusers and delegated
-- administrators may execute it: a SECURITY DEFINER function of an ordinary role that calls it
-- runs as that role and is refused. The role the session acts as must be entitled too.
CREATE FUNCTION df._health_all()
RETURNS TABLE (role text, check_name text, level text, detail text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_caller text := df._calling_role();
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles r
                 WHERE r.rolname = v_caller
                   AND (r.rolsuper OR has_function_privilege(r.oid, 'df.metrics()'::regprocedure, 'EXECUTE'))) THEN
    RAISE EXCEPTION 'role % may not see the health of every role', quote_ident(v_caller)
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Call df.health(): it shows each role its own lines, and superusers and delegated administrators '
                   '(usage granted with with_grant => true) every role''s.';
  END IF;
  RETURN QUERY SELECT h.role, h.check_name, h.level, h.detail FROM df._health_lines() h;
END
$$;
COMMENT ON FUNCTION df._health_all() IS
'Internal: df.health''s lines for every role, for superusers and delegated administrators';

-- Takes privileges on schema df back from a role, as the extension owner (called from the
-- SECURITY DEFINER administrators' functions), with CASCADE so that whatever the role passed
-- on through a grant option (older grants, or an administrator's manual GRANT … WITH GRANT
-- OPTION) goes too. Part 'usage' means everything on schema df, whatever df.grant_usage
-- or anyone else granted as the owner; 'http' and 'administration' only those routines.
CREATE FUNCTION df._revoke_usage_parts(p_role text, p_parts text[]) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_priv record;
BEGIN
  IF 'usage' = ANY (p_parts) THEN
    EXECUTE format('REVOKE ALL ON ALL ROUTINES IN SCHEMA df FROM %I CASCADE', p_role);
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA df FROM %I CASCADE', p_role);
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA df FROM %I CASCADE', p_role);
    EXECUTE format('REVOKE ALL ON SCHEMA df FROM %I CASCADE', p_role);
    RETURN;
  END IF;
  FOR v_priv IN SELECT u.* FROM df._usage_privileges() u WHERE u.part = ANY (p_parts) LOOP
    EXECUTE format('REVOKE %s ON %s %s FROM %I CASCADE', v_priv.privileges, v_priv.object_type, v_priv.object_name, p_role);
  END LOOP;
END
$$;
COMMENT ON FUNCTION df._revoke_usage_parts(text, text[]) IS 'Internal: revoke parts of pg_durable usage from a role, with CASCADE';

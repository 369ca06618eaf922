-- Inside a SECURITY DEFINER function current_user is the function's owner; the role that
-- called it is the one the session acts as: SET ROLE's role, else the session user. (A
-- SECURITY DEFINER function of some other role in between is not seen through: the
-- administrators' functions require both that role and the session's to be entitled.)
CREATE FUNCTION df._calling_role() RETURNS text LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN current_setting('role') = 'none' THEN session_user::text ELSE current_setting('role') END
$$;
COMMENT ON FUNCTION df._calling_role() IS 'Internal: the role the session acts as (SET ROLE''s, else the session user), seen from a SECURITY DEFINER function';

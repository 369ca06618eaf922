-- Role names are taken exactly as pg_roles.rolname spells them, never re-parsed as an
-- identifier: 'Mixed Case' is the role created as "Mixed Case". When a name matches no
-- role, this says so and suggests the roles that differ only in case or added quotes.
CREATE FUNCTION df._role_name_hint(p_role text) RETURNS text LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT 'Pass the role name exactly as pg_roles.rolname spells it: case, spaces and quotes count, '
         'and it is not an SQL identifier (no added double quotes).'
         || coalesce(' Did you mean ' || string_agg(quote_literal(r.rolname), ' or ' ORDER BY r.rolname) || '?', '')
  FROM pg_roles r
  WHERE lower(r.rolname) = lower(btrim(p_role, '"')) AND r.rolname <> p_role
$$;
COMMENT ON FUNCTION df._role_name_hint(text) IS 'Internal: the HINT for a role name that matches no role';

-- The administrators' name for the same sweep (workers already run it on their own; this
-- is for a database whose workers have stopped).
CREATE FUNCTION df.fail_orphaned_instances() RETURNS integer LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$ SELECT df._fail_orphaned_instances() $$;
COMMENT ON FUNCTION df.fail_orphaned_instances() IS
'Fail the unfinished instances of dropped roles now; returns how many. Workers of any role do this on their own; for '
'superusers.';

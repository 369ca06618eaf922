-- The worker loop. It runs in a session authenticated as the role whose workflows it
-- runs; no SET clause, because a procedure with one cannot commit.
CREATE PROCEDURE df.work(max_seconds integer DEFAULT 60, idle_poll_ms integer DEFAULT 10, max_steps integer DEFAULT NULL)
LANGUAGE plv8
AS $$
  if (max_seconds === null || max_seconds <= 0) throw new Error('max_seconds must be positive');
  if (idle_poll_ms === null || idle_poll_ms < 1) throw new Error('idle_poll_ms must be at least 1');
  @API@.work(max_seconds, idle_poll_ms, max_steps);
$$;
COMMENT ON PROCEDURE df.work(integer, integer, integer) IS 'Run workflow steps of the current role for max_seconds, committing each step';

CREATE FUNCTION df.version() RETURNS text LANGUAGE plv8 IMMUTABLE
AS $$ return @API@.version; $$;
COMMENT ON FUNCTION df.version() IS 'The pg_durable version';

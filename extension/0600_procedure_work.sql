-- The worker loop. It runs in a session authenticated as the role whose workflows it
-- runs; no SET clause, because a procedure with one cannot commit. What would refuse the
-- session is checked first, so that the refusal is raised as a native error (df._unwrap);
-- df._js_work checks it again for direct callers.
CREATE FUNCTION df._js_check_worker_session(max_seconds integer, idle_poll_ms integer) RETURNS text[] LANGUAGE plv8 VOLATILE
AS $$ return @API@.checkWorkerSession(max_seconds, idle_poll_ms); $$;
COMMENT ON FUNCTION df._js_check_worker_session(integer, integer) IS 'Internal: why df.work would refuse this session, if it would';

CREATE PROCEDURE df._js_work(max_seconds integer, idle_poll_ms integer, max_steps integer)
LANGUAGE plv8
AS $$ @API@.work(max_seconds, idle_poll_ms, max_steps); $$;
COMMENT ON PROCEDURE df._js_work(integer, integer, integer) IS 'Internal: the worker loop of df.work';

CREATE PROCEDURE df.work(max_seconds integer DEFAULT 60, idle_poll_ms integer DEFAULT 10, max_steps integer DEFAULT NULL)
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM df._unwrap(df._js_check_worker_session(max_seconds, idle_poll_ms));
  CALL df._js_work(max_seconds, idle_poll_ms, max_steps);
END
$$;
COMMENT ON PROCEDURE df.work(integer, integer, integer) IS 'Run workflow steps of the current role for max_seconds, committing each step';

CREATE FUNCTION df.version() RETURNS text LANGUAGE plv8 IMMUTABLE
AS $$ return @API@.version; $$;
COMMENT ON FUNCTION df.version() IS 'The pg_durable version';

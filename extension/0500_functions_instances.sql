-- Starting and controlling instances (spec section 4).
CREATE FUNCTION df.start(fut text, label text DEFAULT NULL, database text DEFAULT NULL,
                         transaction_mode text DEFAULT 'caller')
RETURNS text LANGUAGE plv8 VOLATILE
AS $$ return @API@.start(fut, label, database, transaction_mode); $$;
COMMENT ON FUNCTION df.start(text, text, text, text) IS 'Start a workflow instance; returns its 8-hex id';

CREATE FUNCTION df.status(id text) RETURNS text LANGUAGE plv8 STABLE STRICT
AS $$ return @API@.status(id); $$;
COMMENT ON FUNCTION df.status(text) IS 'pending | running | completed | failed | cancelled, NULL if unknown';

CREATE FUNCTION df.result(id text) RETURNS text LANGUAGE plv8 STABLE STRICT
AS $$ return @API@.result(id); $$;
COMMENT ON FUNCTION df.result(text) IS 'The root result of a completed instance, else NULL';

CREATE FUNCTION df.error(id text) RETURNS text LANGUAGE plv8 STABLE STRICT
AS $$ return @API@.error(id); $$;
COMMENT ON FUNCTION df.error(text) IS 'The error that failed the instance, else NULL';

CREATE FUNCTION df.await_instance(id text, timeout_seconds integer DEFAULT 30) RETURNS text LANGUAGE plv8 VOLATILE STRICT
AS $$ return @API@.awaitInstance(id, timeout_seconds); $$;
COMMENT ON FUNCTION df.await_instance(text, integer) IS 'Wait until the instance is terminal and return its status';

CREATE FUNCTION df.cancel(id text, reason text DEFAULT 'Cancelled by user') RETURNS text LANGUAGE plv8 VOLATILE STRICT
AS $$ return @API@.cancel(id, reason); $$;
COMMENT ON FUNCTION df.cancel(text, text) IS 'Cancel an instance: pending work never runs, a running step does not commit';

CREATE FUNCTION df.signal(id text, name text, data text DEFAULT '{}') RETURNS text LANGUAGE plv8 VOLATILE
AS $$
  if (id === null || name === null) throw new Error('df.signal needs an instance id and a signal name');
  return @API@.signal(id, name, data);
$$;
COMMENT ON FUNCTION df.signal(text, text, text) IS 'Send a signal; kept until a matching wait consumes it';

-- Starting and controlling instances (spec section 4).
CREATE FUNCTION df._js_start(fut text, label text, database text, transaction_mode text)
RETURNS text[] LANGUAGE plv8 VOLATILE
AS $$ return @API@.start(fut, label, database, transaction_mode); $$;
CREATE FUNCTION df.start(fut text, label text DEFAULT NULL, database text DEFAULT NULL,
                         transaction_mode text DEFAULT 'caller') RETURNS text LANGUAGE sql VOLATILE
RETURN df._unwrap(df._js_start($1, $2, $3, $4));
COMMENT ON FUNCTION df.start(text, text, text, text) IS 'Start a workflow instance; returns its 8-hex id';

CREATE FUNCTION df._js_status(id text) RETURNS text[] LANGUAGE plv8 STABLE STRICT
AS $$ return @API@.status(id); $$;
CREATE FUNCTION df.status(id text) RETURNS text LANGUAGE sql STABLE STRICT
RETURN df._unwrap(df._js_status($1));
COMMENT ON FUNCTION df.status(text) IS 'pending | running | completed | failed | cancelled, NULL if unknown';

CREATE FUNCTION df._js_result(id text) RETURNS text[] LANGUAGE plv8 STABLE STRICT
AS $$ return @API@.result(id); $$;
CREATE FUNCTION df.result(id text) RETURNS text LANGUAGE sql STABLE STRICT
RETURN df._unwrap(df._js_result($1));
COMMENT ON FUNCTION df.result(text) IS 'The root result of a completed instance, else NULL';

CREATE FUNCTION df._js_error(id text) RETURNS text[] LANGUAGE plv8 STABLE STRICT
AS $$ return @API@.error(id); $$;
CREATE FUNCTION df.error(id text) RETURNS text LANGUAGE sql STABLE STRICT
RETURN df._unwrap(df._js_error($1));
COMMENT ON FUNCTION df.error(text) IS 'The error that failed the instance, else NULL';

CREATE FUNCTION df._js_await_instance(id text, timeout_seconds integer) RETURNS text[] LANGUAGE plv8 VOLATILE STRICT
AS $$ return @API@.awaitInstance(id, timeout_seconds); $$;
CREATE FUNCTION df.await_instance(id text, timeout_seconds integer DEFAULT 30) RETURNS text LANGUAGE sql VOLATILE STRICT
RETURN df._unwrap(df._js_await_instance($1, $2));
COMMENT ON FUNCTION df.await_instance(text, integer) IS 'Wait until the instance is terminal and return its status';

CREATE FUNCTION df._js_cancel(id text, reason text) RETURNS text[] LANGUAGE plv8 VOLATILE STRICT
AS $$ return @API@.cancel(id, reason); $$;
CREATE FUNCTION df.cancel(id text, reason text DEFAULT 'Cancelled by user') RETURNS text LANGUAGE sql VOLATILE STRICT
RETURN df._unwrap(df._js_cancel($1, $2));
COMMENT ON FUNCTION df.cancel(text, text) IS 'Cancel an instance: pending work never runs, a running step does not commit';

CREATE FUNCTION df._js_signal(id text, name text, data text) RETURNS text[] LANGUAGE plv8 VOLATILE
AS $$ return @API@.signal(id, name, data); $$;
CREATE FUNCTION df.signal(id text, name text, data text DEFAULT '{}') RETURNS text LANGUAGE sql VOLATILE
RETURN df._unwrap(df._js_signal($1, $2, $3));
COMMENT ON FUNCTION df.signal(text, text, text) IS 'Send a signal; kept until a matching wait consumes it';

-- Graph builders (spec section 1): pure functions from text to envelope text. Each is a SQL
-- function over its JavaScript part df._js_<name> (see 0390_function_unwrap.sql).
CREATE FUNCTION df._js_sql(query text) RETURNS text[] LANGUAGE plv8 IMMUTABLE STRICT PARALLEL SAFE
AS $$ return @API@.builders.sql(query); $$;
CREATE FUNCTION df.sql(query text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN df._unwrap(df._js_sql($1));
COMMENT ON FUNCTION df.sql(text) IS 'A SQL step; its text is a template ({var}, $name …)';

CREATE FUNCTION df._js_seq(a text, b text) RETURNS text[] LANGUAGE plv8 IMMUTABLE STRICT PARALLEL SAFE
AS $$ return @API@.builders.seq(a, b); $$;
CREATE FUNCTION df.seq(a text, b text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN df._unwrap(df._js_seq($1, $2));
COMMENT ON FUNCTION df.seq(text, text) IS 'Run a, then b (operator ~>)';

CREATE FUNCTION df._js_as(fut text, name text) RETURNS text[] LANGUAGE plv8 IMMUTABLE STRICT PARALLEL SAFE
AS $$ return @API@.builders.as(fut, name); $$;
CREATE FUNCTION df."as"(fut text, name text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN df._unwrap(df._js_as($1, $2));
COMMENT ON FUNCTION df."as"(text, text) IS 'Name the result of fut for later $name references (operator |=>)';

CREATE FUNCTION df._js_join(a text, b text) RETURNS text[] LANGUAGE plv8 IMMUTABLE STRICT PARALLEL SAFE
AS $$ return @API@.builders.join(a, b); $$;
CREATE FUNCTION df."join"(a text, b text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN df._unwrap(df._js_join($1, $2));
COMMENT ON FUNCTION df."join"(text, text) IS 'Run a and b in parallel and wait for both (operator &)';

CREATE FUNCTION df._js_join3(a text, b text, c text) RETURNS text[] LANGUAGE plv8 IMMUTABLE STRICT PARALLEL SAFE
AS $$ return @API@.builders.join3(a, b, c); $$;
CREATE FUNCTION df.join3(a text, b text, c text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN df._unwrap(df._js_join3($1, $2, $3));
COMMENT ON FUNCTION df.join3(text, text, text) IS 'Run a, b and c in parallel and wait for all three';

CREATE FUNCTION df._js_race(a text, b text) RETURNS text[] LANGUAGE plv8 IMMUTABLE STRICT PARALLEL SAFE
AS $$ return @API@.builders.race(a, b); $$;
CREATE FUNCTION df.race(a text, b text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN df._unwrap(df._js_race($1, $2));
COMMENT ON FUNCTION df.race(text, text) IS 'Run a and b; the first to complete or fail decides (operator |)';

CREATE FUNCTION df._js_if(cond text, then_branch text, else_branch text) RETURNS text[] LANGUAGE plv8 IMMUTABLE STRICT PARALLEL SAFE
AS $$ return @API@.builders.ifElse(cond, then_branch, else_branch); $$;
CREATE FUNCTION df."if"(cond text, then_branch text, else_branch text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN df._unwrap(df._js_if($1, $2, $3));
COMMENT ON FUNCTION df."if"(text, text, text) IS 'Run cond, then one branch by its truthiness (operators ?> !>)';

CREATE FUNCTION df._js_if_rows(result_name text, then_branch text, else_branch text) RETURNS text[] LANGUAGE plv8 IMMUTABLE STRICT PARALLEL SAFE
AS $$ return @API@.builders.ifRows(result_name, then_branch, else_branch); $$;
CREATE FUNCTION df.if_rows(result_name text, then_branch text, else_branch text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN df._unwrap(df._js_if_rows($1, $2, $3));
COMMENT ON FUNCTION df.if_rows(text, text, text) IS 'Take then_branch when the named result has at least one row';

CREATE FUNCTION df._js_partial_if(cond text, then_branch text) RETURNS text[] LANGUAGE plv8 IMMUTABLE STRICT PARALLEL SAFE
AS $$ return @API@.builders.partialIf(cond, then_branch); $$;
CREATE FUNCTION df._partial_if(cond text, then_branch text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN df._unwrap(df._js_partial_if($1, $2));
COMMENT ON FUNCTION df._partial_if(text, text) IS 'Internal: operator ?> (complete it with !>)';

CREATE FUNCTION df._js_complete_if(partial text, else_branch text) RETURNS text[] LANGUAGE plv8 IMMUTABLE STRICT PARALLEL SAFE
AS $$ return @API@.builders.completeIf(partial, else_branch); $$;
CREATE FUNCTION df._complete_if(partial text, else_branch text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN df._unwrap(df._js_complete_if($1, $2));
COMMENT ON FUNCTION df._complete_if(text, text) IS 'Internal: operator !>';

CREATE FUNCTION df._js_loop(body text, condition text) RETURNS text[] LANGUAGE plv8 IMMUTABLE PARALLEL SAFE
AS $$ return @API@.builders.loop(body, condition); $$;
CREATE FUNCTION df.loop(body text, condition text DEFAULT NULL) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN df._unwrap(df._js_loop($1, $2));
COMMENT ON FUNCTION df.loop(text, text) IS 'Repeat body until df.break(), or while condition holds (do-while; operator @> for forever)';

CREATE FUNCTION df._js_loop_forever(body text) RETURNS text[] LANGUAGE plv8 IMMUTABLE STRICT PARALLEL SAFE
AS $$ return @API@.builders.loop(body, null); $$;
CREATE FUNCTION df._loop_forever(body text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN df._unwrap(df._js_loop_forever($1));
COMMENT ON FUNCTION df._loop_forever(text) IS 'Internal: prefix operator @>';

CREATE FUNCTION df._js_map(items text, body text, concurrency integer, max_failures integer) RETURNS text[] LANGUAGE plv8 IMMUTABLE PARALLEL SAFE
AS $$ return @API@.builders.map(items, body, concurrency, max_failures); $$;
CREATE FUNCTION df.map(items text, body text, concurrency integer DEFAULT 8, max_failures integer DEFAULT 0) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN df._unwrap(df._js_map($1, $2, $3, $4));
COMMENT ON FUNCTION df.map(text, text, integer, integer) IS 'Run body once per row of the result of items ($item is the row), at most concurrency at a time; fails once more than max_failures items failed';

CREATE FUNCTION df._js_break(value text) RETURNS text[] LANGUAGE plv8 IMMUTABLE PARALLEL SAFE
AS $$ return @API@.builders.brk(value); $$;
CREATE FUNCTION df."break"(value text DEFAULT NULL) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN df._unwrap(df._js_break($1));
COMMENT ON FUNCTION df."break"(text) IS 'Leave the nearest enclosing loop with value';

CREATE FUNCTION df._js_sleep(seconds bigint) RETURNS text[] LANGUAGE plv8 IMMUTABLE STRICT PARALLEL SAFE
AS $$ return @API@.builders.sleep(String(seconds)); $$;
CREATE FUNCTION df.sleep(seconds bigint) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN df._unwrap(df._js_sleep($1));
COMMENT ON FUNCTION df.sleep(bigint) IS 'A durable timer: wait that many seconds without holding a session';

CREATE FUNCTION df._js_wait_for_schedule(cron text) RETURNS text[] LANGUAGE plv8 IMMUTABLE STRICT PARALLEL SAFE
AS $$ return @API@.builders.waitForSchedule(cron); $$;
CREATE FUNCTION df.wait_for_schedule(cron text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN df._unwrap(df._js_wait_for_schedule($1));
COMMENT ON FUNCTION df.wait_for_schedule(text) IS 'Wait for the next tick (UTC) of a 5-field cron expression';

CREATE FUNCTION df._js_wait_for_signal(name text, timeout_seconds integer) RETURNS text[] LANGUAGE plv8 IMMUTABLE PARALLEL SAFE
AS $$ return @API@.builders.waitForSignal(name, timeout_seconds); $$;
CREATE FUNCTION df.wait_for_signal(name text, timeout_seconds integer DEFAULT NULL) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN df._unwrap(df._js_wait_for_signal($1, $2));
COMMENT ON FUNCTION df.wait_for_signal(text, integer) IS 'Wait for df.signal(id, name, data), optionally with a timeout';

CREATE FUNCTION df._js_retry(fut text, max_attempts integer, delay_seconds numeric, backoff numeric,
                             max_delay_seconds numeric) RETURNS text[] LANGUAGE plv8 IMMUTABLE STRICT PARALLEL SAFE
AS $$ return @API@.builders.retry(fut, max_attempts, delay_seconds, backoff, max_delay_seconds); $$;
CREATE FUNCTION df.retry(fut text, max_attempts integer, delay_seconds numeric DEFAULT 1, backoff numeric DEFAULT 2,
                         max_delay_seconds numeric DEFAULT 300) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN df._unwrap(df._js_retry($1, $2, $3, $4, $5));
COMMENT ON FUNCTION df.retry(text, integer, numeric, numeric, numeric) IS 'Retry a failing step with exponential backoff';

CREATE FUNCTION df._js_http(url text, method text, body text, headers jsonb,
                        timeout_seconds integer) RETURNS text[] LANGUAGE plv8 IMMUTABLE PARALLEL SAFE
AS $$ return @API@.builders.http(url, method, body, headers, timeout_seconds); $$;
CREATE FUNCTION df.http(url text, method text DEFAULT 'POST', body text DEFAULT NULL, headers jsonb DEFAULT NULL,
                        timeout_seconds integer DEFAULT 30) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN df._unwrap(df._js_http($1, $2, $3, $4, $5));
COMMENT ON FUNCTION df.http(text, text, text, jsonb, integer) IS 'HTTP request step, performed by a runner (pg-durable worker); at-least-once with an Idempotency-Key';

CREATE FUNCTION df._js_http_multipart(url text, method text, parts jsonb, headers jsonb,
                                      timeout_seconds integer) RETURNS text[] LANGUAGE plv8 IMMUTABLE PARALLEL SAFE
AS $$ return @API@.builders.httpMultipart(url, method, parts, headers, timeout_seconds); $$;
CREATE FUNCTION df.http_multipart(url text, method text DEFAULT 'POST', parts jsonb DEFAULT NULL, headers jsonb DEFAULT NULL,
                                  timeout_seconds integer DEFAULT 30) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN df._unwrap(df._js_http_multipart($1, $2, $3, $4, $5));
COMMENT ON FUNCTION df.http_multipart(text, text, jsonb, jsonb, integer) IS 'multipart/form-data HTTP request step: parts [{name, filename?, content_type?, data? | data_b64?}]';

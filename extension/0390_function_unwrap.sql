-- Every df function written in JavaScript is a SQL function over two parts: df._js_<name>,
-- which replies with its value or its error as text[] (src/plv8/reply.ts), and this, which
-- returns the value or raises the error. An error raised here reads like PostgreSQL's own
-- (its SQLSTATE, DETAIL and HINT, no JavaScript source line as CONTEXT); thrown from
-- JavaScript it would carry the line it came from, on real plv8 as on the compatible runtime.
CREATE FUNCTION df._unwrap(reply text[]) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF reply[2] IS NULL THEN
    RETURN reply[1];
  ELSIF reply[4] IS NULL AND reply[5] IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = reply[2], MESSAGE = reply[3];
  ELSIF reply[4] IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = reply[2], MESSAGE = reply[3], HINT = reply[5];
  ELSIF reply[5] IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = reply[2], MESSAGE = reply[3], DETAIL = reply[4];
  ELSE
    RAISE EXCEPTION USING ERRCODE = reply[2], MESSAGE = reply[3], DETAIL = reply[4], HINT = reply[5];
  END IF;
END
$$;
COMMENT ON FUNCTION df._unwrap(text[]) IS 'Internal: the value of a df._js_* reply, or its error raised';

-- The engine bundle. Calling it evaluates the bundle into globalThis.pgDurable; the other
-- functions call it once per session, on first use.
CREATE FUNCTION df._load() RETURNS void LANGUAGE plv8 VOLATILE AS
@BUNDLE@;
COMMENT ON FUNCTION df._load() IS 'Internal: loads the pg_durable engine into the session';

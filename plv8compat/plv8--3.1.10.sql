-- plv8--3.1.10.sql — the pg_durable plv8-compatible runtime: language plv8 and plv8_version().
\echo Use "CREATE EXTENSION plv8" to load this file. \quit

CREATE FUNCTION plv8_call_handler() RETURNS language_handler
  AS 'MODULE_PATHNAME' LANGUAGE C;

CREATE FUNCTION plv8_inline_handler(internal) RETURNS void
  AS 'MODULE_PATHNAME' LANGUAGE C;

CREATE FUNCTION plv8_call_validator(oid) RETURNS void
  AS 'MODULE_PATHNAME' LANGUAGE C;

CREATE TRUSTED LANGUAGE plv8
  HANDLER plv8_call_handler
  INLINE plv8_inline_handler
  VALIDATOR plv8_call_validator;

CREATE FUNCTION plv8_version() RETURNS text
  AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT;

COMMENT ON FUNCTION plv8_version() IS
  'Version of the pg_durable plv8-compatible runtime (not real plv8)';

CREATE SCHEMA df;
COMMENT ON SCHEMA df IS 'pg_durable: durable workflows';
REVOKE ALL ON SCHEMA df FROM PUBLIC;

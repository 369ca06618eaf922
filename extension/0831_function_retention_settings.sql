-- The retention policy, read only from what an administrator set for the database (see
-- df._admin_setting): a role's own SET cannot keep its instances longer or remove others'.
--   pg_durable.retention_period         terminal instances older than this go (default 30 days)
--   pg_durable.retention_max_instances  and those beyond the newest N of each role (default
--                                       100000; 0 = no cap)
--   pg_durable.cleanup_batch_size       instances removed per statement (default 1000)
CREATE FUNCTION df._retention_settings()
RETURNS TABLE (retention_period interval, max_instances bigint, batch_size integer)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_raw text;
BEGIN
  v_raw := df._admin_setting('pg_durable.retention_period');
  BEGIN
    retention_period := coalesce(nullif(btrim(v_raw), '')::interval, '30 days');
  EXCEPTION WHEN data_exception THEN
    retention_period := NULL;
  END;
  IF retention_period IS NULL OR retention_period <= '0'::interval THEN
    RAISE EXCEPTION 'pg_durable.retention_period = ''%'' is not a positive interval', v_raw
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'An administrator fixes it with ALTER DATABASE … SET pg_durable.retention_period = ''30 days''.';
  END IF;

  v_raw := df._admin_setting('pg_durable.retention_max_instances');
  max_instances := CASE WHEN coalesce(btrim(v_raw), '') = '' THEN 100000
                        WHEN btrim(v_raw) ~ '^[0-9]{1,15}$' THEN btrim(v_raw)::bigint END;
  IF max_instances IS NULL THEN
    RAISE EXCEPTION 'pg_durable.retention_max_instances = ''%'' is not a whole number of instances (0 for no cap)', v_raw
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'An administrator fixes it with ALTER DATABASE … SET pg_durable.retention_max_instances = 100000.';
  END IF;

  v_raw := df._admin_setting('pg_durable.cleanup_batch_size');
  batch_size := CASE WHEN coalesce(btrim(v_raw), '') = '' THEN 1000
                     WHEN btrim(v_raw) ~ '^[0-9]{1,6}$' AND btrim(v_raw)::integer BETWEEN 1 AND 100000 THEN btrim(v_raw)::integer END;
  IF batch_size IS NULL THEN
    RAISE EXCEPTION 'pg_durable.cleanup_batch_size = ''%'' is not a number between 1 and 100000', v_raw
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'An administrator fixes it with ALTER DATABASE … SET pg_durable.cleanup_batch_size = 1000.';
  END IF;
  RETURN NEXT;
END
$$;
COMMENT ON FUNCTION df._retention_settings() IS
'Internal: the retention period, the count cap per role and the cleanup batch size, as an administrator set them';

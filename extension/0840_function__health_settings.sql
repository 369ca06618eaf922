-- The thresholds of df.health, read only from what an administrator set for the database
-- (see df._admin_setting): a role's own SET or ALTER ROLE cannot silence its own alerts.
--   pg_durable.health_worker_timeout     a role's workers count as alive when one ran this recently (60 s)
--   pg_durable.health_ready_warning      due work waiting unclaimed this long is a warning (1 min)
--   pg_durable.health_ready_critical     … and this long critical (5 min)
--   pg_durable.health_stuck_warning      a running instance without progress this long is a warning (10 min)
--   pg_durable.health_stuck_critical     … and this long critical (1 hour)
--   pg_durable.health_failures_warning   this many instances failed in the last hour is a warning (1)
--   pg_durable.health_failures_critical  … and this many critical (10)
-- Durations are intervals ('90 s', '5 min', '1 hour'; a bare number is seconds). The engine's
-- test clock (pg_durable.fake_now_offset, seconds) comes along, because wake times are
-- written on that clock. An exception block only for a value that is set.
CREATE FUNCTION df._health_settings()
RETURNS TABLE (worker_timeout interval, ready_warning interval, ready_critical interval,
               stuck_warning interval, stuck_critical interval,
               failures_warning bigint, failures_critical bigint, clock_offset interval)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_name text;
  v_raw text;
  v_interval interval;
  v_count bigint;
  v_intervals interval[] := '{}';
  v_counts bigint[] := '{}';
BEGIN
  FOREACH v_name IN ARRAY ARRAY['worker_timeout', 'ready_warning', 'ready_critical', 'stuck_warning', 'stuck_critical'] LOOP
    v_raw := nullif(btrim(df._admin_setting('pg_durable.health_' || v_name)), '');
    v_interval := CASE v_name WHEN 'worker_timeout' THEN '60 s' WHEN 'ready_warning' THEN '1 min'
                              WHEN 'ready_critical' THEN '5 min' WHEN 'stuck_warning' THEN '10 min'
                              ELSE '1 hour' END;
    IF v_raw IS NOT NULL THEN
      BEGIN
        v_interval := v_raw::interval;
      EXCEPTION WHEN data_exception THEN
        v_interval := NULL;
      END;
      IF v_interval IS NULL OR v_interval < '0'::interval OR v_interval > '100 years'::interval THEN
        RAISE EXCEPTION 'pg_durable.health_% = ''%'' is not an interval between 0 and 100 years', v_name, v_raw
          USING ERRCODE = 'invalid_parameter_value',
                HINT = format('An administrator fixes it with ALTER DATABASE … SET pg_durable.health_%s = ''5 min'' (or RESET it for the default).', v_name);
      END IF;
    END IF;
    v_intervals := v_intervals || v_interval;
  END LOOP;

  FOREACH v_name IN ARRAY ARRAY['failures_warning', 'failures_critical'] LOOP
    v_raw := nullif(btrim(df._admin_setting('pg_durable.health_' || v_name)), '');
    v_count := CASE WHEN v_raw IS NULL THEN CASE v_name WHEN 'failures_warning' THEN 1 ELSE 10 END
                    WHEN v_raw ~ '^0*[1-9][0-9]{0,8}$' THEN v_raw::bigint END;
    IF v_count IS NULL THEN
      RAISE EXCEPTION 'pg_durable.health_% = ''%'' is not a whole number of failed instances between 1 and 999999999', v_name, v_raw
        USING ERRCODE = 'invalid_parameter_value',
              HINT = format('An administrator fixes it with ALTER DATABASE … SET pg_durable.health_%s = 10 (or RESET it for the default).', v_name);
    END IF;
    v_counts := v_counts || v_count;
  END LOOP;

  -- The engine reads this hook as a JavaScript number of seconds and refuses what it cannot read.
  v_raw := nullif(btrim(df._admin_setting('pg_durable.fake_now_offset')), '');
  IF v_raw !~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,2})?$' OR abs(v_raw::float8) > 1e10 THEN
    RAISE EXCEPTION 'pg_durable.fake_now_offset = ''%'' is not a number between -10000000000 and 10000000000', v_raw
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'An administrator fixes it with ALTER DATABASE … SET pg_durable.fake_now_offset (or RESET it).';
  END IF;

  worker_timeout := v_intervals[1];
  ready_warning := v_intervals[2];
  ready_critical := v_intervals[3];
  stuck_warning := v_intervals[4];
  stuck_critical := v_intervals[5];
  failures_warning := v_counts[1];
  failures_critical := v_counts[2];
  clock_offset := make_interval(secs => coalesce(v_raw::float8, 0));
  RETURN NEXT;
END
$$;
COMMENT ON FUNCTION df._health_settings() IS
'Internal: the thresholds of df.health (and the engine''s test clock offset), as an administrator set them for the database';

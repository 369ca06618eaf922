-- A duration as df.health writes it in its details: the two largest units, zero parts left
-- out ("45 s", "2 min 5 s", "10 min", "3 h 20 min", "2 d 4 h"); negative durations (clock
-- skew, the test clock) read as "0 s".
CREATE FUNCTION df._health_age(p_age interval) RETURNS text LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN s < 60 THEN s || ' s'
              WHEN s < 3600 THEN concat_ws(' ', s / 60 || ' min', nullif(s % 60, 0) || ' s')
              WHEN s < 86400 THEN concat_ws(' ', s / 3600 || ' h', nullif(s / 60 % 60, 0) || ' min')
              ELSE concat_ws(' ', s / 86400 || ' d', nullif(s / 3600 % 24, 0) || ' h') END
  FROM (SELECT greatest(floor(extract(epoch FROM p_age)), 0)::bigint AS s) AS a
$$;
COMMENT ON FUNCTION df._health_age(interval) IS 'Internal: a duration in the words of df.health ("2 min 5 s")';

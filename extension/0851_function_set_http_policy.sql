-- Administrators change the egress policy; a NULL argument keeps that field. For superusers
-- only (not granted by df.grant_usage, not even with with_grant): whoever sets it decides
-- which networks every role's HTTP steps may reach. A change applies to every request a
-- runner claims after it commits.
CREATE FUNCTION df.set_http_policy(allowed_hosts text[] DEFAULT NULL, allow_private_networks boolean DEFAULT NULL,
                                   max_response_bytes bigint DEFAULT NULL, max_timeout_seconds integer DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_host text;
  v_hosts text[];
BEGIN
  IF allowed_hosts IS NOT NULL THEN
    v_hosts := '{}';
    FOREACH v_host IN ARRAY allowed_hosts LOOP
      -- Host names compare case-insensitively and without a trailing dot (as runners match them).
      v_host := rtrim(lower(btrim(coalesce(v_host, ''))), '.');
      IF v_host !~ '^(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$' THEN
        RAISE EXCEPTION 'allowed_hosts: % is not a host name or a *.suffix pattern', quote_nullable(v_host)
          USING ERRCODE = 'invalid_parameter_value',
                HINT = 'Write exact names (api.example.com) or patterns (*.example.com); an empty array allows any public host.';
      END IF;
      v_hosts := v_hosts || v_host;
    END LOOP;
  END IF;
  IF max_response_bytes IS NOT NULL AND max_response_bytes NOT BETWEEN 1 AND 1073741824 THEN
    RAISE EXCEPTION 'max_response_bytes must be between 1 and 1073741824 (1 GiB), got %', max_response_bytes
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF max_timeout_seconds IS NOT NULL AND max_timeout_seconds NOT BETWEEN 1 AND 300 THEN
    RAISE EXCEPTION 'max_timeout_seconds must be between 1 and 300, got %', max_timeout_seconds
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  UPDATE df.http_policy_settings p
  SET allowed_hosts = coalesce(v_hosts, p.allowed_hosts),
      allow_private_networks = coalesce(set_http_policy.allow_private_networks, p.allow_private_networks),
      max_response_bytes = coalesce(set_http_policy.max_response_bytes, p.max_response_bytes),
      max_timeout_seconds = coalesce(set_http_policy.max_timeout_seconds, p.max_timeout_seconds),
      updated_at = now();
  RETURN df.http_policy();
END;
$$;
COMMENT ON FUNCTION df.set_http_policy(text[], boolean, bigint, integer) IS 'Administrators: change the egress policy of HTTP steps (NULL keeps a field); returns the new policy';

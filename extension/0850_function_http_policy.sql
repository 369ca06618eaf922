-- The egress policy as runners apply it (spec/outside-steps.md §3): readable by every role
-- with usage, through this function only (the table is the extension owner's).
CREATE FUNCTION df.http_policy() RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object('allowed_hosts', to_jsonb(p.allowed_hosts),
                            'allow_private_networks', p.allow_private_networks,
                            'max_response_bytes', p.max_response_bytes,
                            'max_timeout_seconds', p.max_timeout_seconds)
  FROM df.http_policy_settings p
$$;
COMMENT ON FUNCTION df.http_policy() IS 'The egress policy of HTTP steps: allowed_hosts, allow_private_networks, max_response_bytes, max_timeout_seconds';

-- Runners (spec/outside-steps.md §1): sessions authenticated as the role whose dispatched
-- work they do (HTTP requests, statements outside a transaction block). Each call is its own
-- short transaction; between the claim and the completion the runner holds nothing open.

CREATE FUNCTION df._js_claim_dispatched(kind text, runner text, max_count integer) RETURNS text[] LANGUAGE plv8 VOLATILE
AS $$ return @API@.claimDispatched(kind, runner, max_count); $$;
CREATE FUNCTION df.claim_dispatched(kind text, runner text DEFAULT NULL, max_count integer DEFAULT 1)
RETURNS TABLE (activation_id bigint, lease_token uuid, instance_id text, node_id integer, attempt integer,
               lease_until timestamptz, request json)
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT r.activation_id, r.lease_token, r.instance_id, r.node_id, r.attempt, r.lease_until, r.request
  FROM pg_catalog.json_to_recordset(df._unwrap(df._js_claim_dispatched($1, $2, $3))::pg_catalog.json)
       AS r (activation_id bigint, lease_token uuid, instance_id text, node_id integer, attempt integer,
             lease_until timestamptz, request json)
$$;
COMMENT ON FUNCTION df.claim_dispatched(text, text, integer) IS 'Runners: lease up to max_count of your dispatched work of a kind (http, statement), with the resolved request';

CREATE FUNCTION df._js_complete_dispatched(activation_id text, lease_token text, result text, error text,
                                           retry_after_seconds double precision) RETURNS text[] LANGUAGE plv8 VOLATILE
AS $$ return @API@.completeDispatched(activation_id, lease_token, result, error, retry_after_seconds); $$;
CREATE FUNCTION df.complete_dispatched(activation_id bigint, lease_token uuid, result json, error text,
                                       retry_after_seconds double precision DEFAULT NULL) RETURNS text
LANGUAGE sql VOLATILE
RETURN df._unwrap(df._js_complete_dispatched($1::text, $2::text, $3::text, $4, $5));
COMMENT ON FUNCTION df.complete_dispatched(bigint, uuid, json, text, double precision) IS 'Runners: settle leased work with its result or error (df.retry applies); says completed, failed, retrying or discarded and why';

CREATE FUNCTION df._js_release_dispatched(activation_id text, lease_token text) RETURNS text[] LANGUAGE plv8 VOLATILE
AS $$ return @API@.releaseDispatched(activation_id, lease_token); $$;
CREATE FUNCTION df.release_dispatched(activation_id bigint, lease_token uuid) RETURNS boolean
LANGUAGE sql VOLATILE
RETURN df._unwrap(df._js_release_dispatched($1::text, $2::text))::boolean;
COMMENT ON FUNCTION df.release_dispatched(bigint, uuid) IS 'Runners: give a lease back unperformed (a runner stopping), so another runner takes the work at once';

CREATE FUNCTION df._masked_query(node_type text, query text) RETURNS text LANGUAGE plv8 IMMUTABLE PARALLEL SAFE
AS $$ return @API@.maskedQuery(node_type, query); $$;
COMMENT ON FUNCTION df._masked_query(text, text) IS 'Internal: an HTTP node''s query with secret header values shown as ***';

CREATE FUNCTION df._js_renew_dispatched(activation_id text, lease_token text) RETURNS text[] LANGUAGE plv8 VOLATILE
AS $$ return @API@.renewDispatched(activation_id, lease_token); $$;
CREATE FUNCTION df.renew_dispatched(activation_id bigint, lease_token uuid) RETURNS timestamptz
LANGUAGE sql VOLATILE
RETURN df._unwrap(df._js_renew_dispatched($1::text, $2::text))::timestamptz;
COMMENT ON FUNCTION df.renew_dispatched(bigint, uuid) IS 'Runners: extend a lease while its work runs (statements); the new lease_until, or NULL when the lease is no longer held (taken over, released, its instance ended)';

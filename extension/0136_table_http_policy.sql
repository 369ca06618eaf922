-- The egress policy of HTTP steps (spec/outside-steps.md §3). A table no role but the
-- extension's owner may write: a custom setting would not do, since every role can SET one in
-- its own session. One row; df.set_http_policy changes it, df.http_policy reads it.
CREATE TABLE df.http_policy_settings (
  singleton              boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  allowed_hosts          text[] NOT NULL DEFAULT '{}',
  allow_private_networks boolean NOT NULL DEFAULT false,
  max_response_bytes     bigint NOT NULL DEFAULT 10485760 CHECK (max_response_bytes OPERATOR(pg_catalog.>) 0),
  max_timeout_seconds    integer NOT NULL DEFAULT 300
    CHECK (max_timeout_seconds OPERATOR(pg_catalog.>=) 1 AND max_timeout_seconds OPERATOR(pg_catalog.<=) 300),
  updated_at             timestamptz NOT NULL DEFAULT pg_catalog.now()
);
INSERT INTO df.http_policy_settings DEFAULT VALUES;
COMMENT ON TABLE df.http_policy_settings IS 'The egress policy of HTTP steps; administrators change it with df.set_http_policy';

-- When a worker of each role last ran (df.work writes it as it starts and while it runs), so
-- df.start can say that nothing will run yet, and operators can see that workers are alive.
CREATE TABLE df.workers (
  owner     regrole PRIMARY KEY DEFAULT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole,
  last_seen timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE df.workers IS 'When a worker of each role last ran df.work';

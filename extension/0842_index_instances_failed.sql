-- df.health counts each role's instances that failed in the last hour. updated_at is when an
-- instance failed (nothing changes a failed instance afterwards), so that count is one range
-- of this index, however many instances the role has and however many of them ended well in
-- the same hour. Partial: only the update that fails an instance adds an entry. The engine
-- changes updated_at only together with status, which an index predicate already holds, so
-- none of its updates that were HOT stops being HOT.
CREATE INDEX instances_failed_idx ON df.instances (submitted_by, updated_at) WHERE status = 'failed';

-- The lines of df.health for every role whose rows the current user sees: with row-level
-- security an ordinary role sees its own rows (and always gets its own lines, even before it
-- has any), a superuser or the extension owner (df._health_all) every role that has instances
-- or has run workers. Roles that no longer exist are left out (their unfinished instances are
-- failed by any worker). Per role, in this order:
--   workers          ok when a worker ran within health_worker_timeout or holds a claimed step
--                    now; else critical when unfinished instances wait for one, warning if not
--   ready_work       due leaf activations no worker holds, and how long the oldest is overdue
--   stuck_instances  running instances with no progress (instance or node updated_at) for
--                    health_stuck_warning that wait for no timer, schedule or signal
--   outside_work     dispatched steps (HTTP requests, statements outside a transaction) no
--                    runner holds, aged by the oldest with the ready_work thresholds: a role
--                    without a runner shows here, not as stuck
--   failures         instances that failed in the last hour
-- Cheap: each count is one range of an index of the role's rows (the queue, the unfinished or
-- the failed instances; roles by a loose scan) and stops at 10000; the stuck check probes
-- the nodes and activations of each running instance untouched for its threshold by their keys.
-- Whether a due row is held by a worker is read from the row itself: a claim is a row lock,
-- which sets xmax to the claiming (sub)transaction, and pg_xact_status says whether that is
-- still in progress. pg_locks would not do (a committed subtransaction's lock on its own xid is
-- gone while its row locks stay), and SKIP LOCKED would lock rows, which a STABLE function may
-- not. A row whose xmax is a MultiXactId (a worker that has started to write its checkpoint)
-- may count as waiting for those milliseconds.
CREATE FUNCTION df._health_lines()
RETURNS TABLE (role text, check_name text, level text, detail text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_cap constant bigint := 10000;
  s record;
  r record;
  v_now timestamptz := now();
  v_clock timestamptz;                  -- the engine's now: wake times are written on its clock
  v_next bigint := pg_snapshot_xmax(pg_current_snapshot())::text::bigint;   -- first xid not yet assigned
  v_role regrole;
  v_last_seen timestamptz;
  v_unfinished bigint;
  v_waiting bigint;
  v_oldest timestamptz;
  v_holding bigint;
  v_stuck bigint;
  v_stuck_since timestamptz;
  v_stuck_id text;
  v_failed bigint;
  v_failed_id text;
  v_age interval;
  v_dispatched bigint;
  v_dispatched_since timestamptz;
  v_leased bigint;
BEGIN
  SELECT * INTO s FROM df._health_settings();
  v_clock := v_now + s.clock_offset;

  FOR r IN
    WITH RECURSIVE owners (owner) AS (
      (SELECT i.submitted_by::oid FROM df.instances i ORDER BY i.submitted_by::oid LIMIT 1)
      UNION ALL
      SELECT (SELECT i.submitted_by::oid FROM df.instances i
              WHERE i.submitted_by::oid > o.owner ORDER BY i.submitted_by::oid LIMIT 1)
      FROM owners o WHERE o.owner IS NOT NULL
    )
    SELECT u.oid, u.rolname::text AS rolname
    FROM pg_roles u
    WHERE u.oid IN (SELECT o.owner FROM owners o WHERE o.owner IS NOT NULL)
       OR u.oid IN (SELECT w.owner::oid FROM df.workers w)
       OR (u.rolname = current_user AND NOT u.rolsuper AND NOT u.rolbypassrls)
    ORDER BY u.rolname
  LOOP
    v_role := r.oid::regrole;
    role := r.rolname;

    -- Due work in queue order (the index the workers claim from). d is the row's xmax relative
    -- to v_next, modulo 2^32 into [-2^31, 2^31): >= 0 means locked after this snapshot began.
    SELECT count(*) FILTER (WHERE NOT q.held), min(q.wake_at) FILTER (WHERE NOT q.held), count(*) FILTER (WHERE q.held)
      INTO v_waiting, v_oldest, v_holding
    FROM (
      SELECT a.wake_at,
             CASE WHEN x.xid = 0 THEN false
                  WHEN x.d >= 0 THEN true
                  WHEN v_next + x.d < 3 THEN false
                  ELSE coalesce(pg_xact_status((v_next + x.d)::text::xid8) = 'in progress', false) END AS held
      FROM (SELECT a.wake_at, a.xmax FROM df.activations a
            WHERE a.owner = v_role AND a.leaf AND NOT a.retired AND a.wake_at <= v_clock
            ORDER BY a.wake_at LIMIT c_cap + 1) a
      CROSS JOIN LATERAL (SELECT a.xmax::text::bigint AS xid) AS y
      CROSS JOIN LATERAL (SELECT y.xid,
                                 (((y.xid - v_next % 4294967296) % 4294967296 + 6442450944) % 4294967296) - 2147483648 AS d) AS x
    ) q;

    -- workers
    check_name := 'workers';
    SELECT w.last_seen INTO v_last_seen FROM df.workers w WHERE w.owner = v_role;
    IF v_last_seen >= v_now - s.worker_timeout THEN
      level := 'ok';
      detail := format('a worker was seen %s ago', df._health_age(v_now - v_last_seen));
    ELSIF v_holding > 0 THEN
      level := 'ok';
      detail := 'a worker is running a step'
             || CASE WHEN v_last_seen IS NOT NULL
                     THEN format(' (its last heartbeat was %s ago)', df._health_age(v_now - v_last_seen)) ELSE '' END;
    ELSE
      SELECT count(*) INTO v_unfinished
      FROM (SELECT FROM df.instances i
            WHERE i.submitted_by = v_role AND i.status IN ('pending', 'running') LIMIT c_cap + 1) AS u;
      level := CASE WHEN v_unfinished > 0 THEN 'critical' ELSE 'warning' END;
      detail := CASE WHEN v_last_seen IS NULL THEN 'no worker of this role has ever run'
                     ELSE format('no worker has run for %s', df._health_age(v_now - v_last_seen)) END
             || CASE WHEN v_unfinished > 0
                     THEN format(': %s unfinished instance%s cannot advance (start workers: df.schedule_workers or pg-durable worker)',
                                 CASE WHEN v_unfinished > c_cap THEN 'more than ' || c_cap ELSE v_unfinished::text END,
                                 CASE WHEN v_unfinished = 1 THEN '' ELSE 's' END)
                     ELSE '; no unfinished instance waits for one' END;
    END IF;
    RETURN NEXT;

    -- ready_work
    check_name := 'ready_work';
    IF v_waiting = 0 THEN
      level := 'ok';
      detail := 'no due step waits for a worker';
    ELSE
      v_age := v_clock - v_oldest;
      level := CASE WHEN v_age > s.ready_critical THEN 'critical' WHEN v_age > s.ready_warning THEN 'warning' ELSE 'ok' END;
      detail := format('%s due step%s for a worker, the oldest for %s',
                       CASE WHEN v_waiting > c_cap THEN 'more than ' || c_cap ELSE v_waiting::text END,
                       CASE WHEN v_waiting = 1 THEN ' waits' ELSE 's wait' END, df._health_age(v_age));
    END IF;
    IF v_holding > 0 THEN
      detail := detail || format('; %s running now', v_holding);
    END IF;
    RETURN NEXT;

    -- stuck_instances: the unfinished instances of the role (a partial index), those not
    -- touched since the warning threshold, without a leaf that waits for a later time.
    check_name := 'stuck_instances';
    SELECT count(*), min(p.progress), (array_agg(p.id ORDER BY p.progress, p.id))[1]
      INTO v_stuck, v_stuck_since, v_stuck_id
    FROM (
      -- Per instance, by its own keys (the subqueries stay per-row probes of nodes_pkey and
      -- activations_instance_idx, never a scan of the role's whole queue).
      SELECT i.id::text AS id,
             greatest(i.updated_at, (SELECT max(n.updated_at) FROM df.nodes n
                                     WHERE n.instance_id = i.id AND n.submitted_by = i.submitted_by)) AS progress,
             (SELECT max(a.wake_at) FROM df.activations a
              WHERE a.instance_id = i.id AND a.owner = i.submitted_by AND NOT a.retired AND a.leaf) AS last_wake
      FROM df.instances i
      WHERE i.submitted_by = v_role AND i.status = 'running' AND i.updated_at < v_now - s.stuck_warning
      OFFSET 0
    ) p
    WHERE p.progress < v_now - s.stuck_warning AND (p.last_wake IS NULL OR p.last_wake <= v_clock);
    IF v_stuck = 0 THEN
      level := 'ok';
      detail := format('no running instance has gone %s without progress', df._health_age(s.stuck_warning));
    ELSE
      v_age := v_now - v_stuck_since;
      level := CASE WHEN v_age > s.stuck_critical THEN 'critical' ELSE 'warning' END;
      detail := format('%s running instance%s without progress for over %s, the longest for %s (instance %s)',
                       v_stuck, CASE WHEN v_stuck = 1 THEN '' ELSE 's' END,
                       df._health_age(s.stuck_warning), df._health_age(v_age), v_stuck_id);
    END IF;
    RETURN NEXT;

    -- outside_work: parked dispatches of the role, oldest first (dispatches_claim_idx); a
    -- lease that ran out counts as waiting again.
    check_name := 'outside_work';
    SELECT count(*) FILTER (WHERE NOT d.leased), min(d.dispatched_at) FILTER (WHERE NOT d.leased), count(*) FILTER (WHERE d.leased)
      INTO v_dispatched, v_dispatched_since, v_leased
    FROM (SELECT d.dispatched_at, coalesce(d.lease_until > v_now, false) AS leased
          FROM df.dispatches d
          WHERE d.owner = v_role
            AND EXISTS (SELECT FROM df.activations a
                        WHERE a.id = d.activation_id AND a.owner = d.owner AND NOT a.retired AND a.wake_at = 'infinity')
          ORDER BY d.owner, d.kind, d.dispatched_at LIMIT c_cap + 1) d;
    IF v_dispatched = 0 THEN
      level := 'ok';
      detail := 'no dispatched step waits for a runner';
    ELSE
      v_age := v_now - v_dispatched_since;
      level := CASE WHEN v_age > s.ready_critical THEN 'critical' WHEN v_age > s.ready_warning THEN 'warning' ELSE 'ok' END;
      detail := format('%s dispatched step%s for a runner, the oldest for %s (runners: pg-durable worker)',
                       CASE WHEN v_dispatched > c_cap THEN 'more than ' || c_cap ELSE v_dispatched::text END,
                       CASE WHEN v_dispatched = 1 THEN ' waits' ELSE 's wait' END, df._health_age(v_age));
    END IF;
    IF v_leased > 0 THEN
      detail := detail || format('; %s in flight', v_leased);
    END IF;
    RETURN NEXT;

    -- failures
    check_name := 'failures';
    SELECT count(*), (array_agg(f.id ORDER BY f.updated_at DESC, f.id DESC))[1]
      INTO v_failed, v_failed_id
    FROM (SELECT i.id::text AS id, i.updated_at FROM df.instances i
          WHERE i.submitted_by = v_role AND i.status = 'failed' AND i.updated_at > v_now - '1 hour'::interval
          ORDER BY i.updated_at DESC LIMIT c_cap + 1) f;
    IF v_failed = 0 THEN
      level := 'ok';
      detail := 'no instance failed in the last hour';
    ELSE
      level := CASE WHEN v_failed >= s.failures_critical THEN 'critical'
                    WHEN v_failed >= s.failures_warning THEN 'warning' ELSE 'ok' END;
      detail := format('%s instance%s failed in the last hour, the latest %s (df.error says why)',
                       CASE WHEN v_failed > c_cap THEN 'more than ' || c_cap ELSE v_failed::text END,
                       CASE WHEN v_failed = 1 THEN '' ELSE 's' END, v_failed_id);
    END IF;
    RETURN NEXT;
  END LOOP;
END
$$;
COMMENT ON FUNCTION df._health_lines() IS
'Internal: df.health''s lines (workers, ready_work, stuck_instances, outside_work, failures) for every role whose rows the current user sees';

// Settings that change how workflows behave, as an administrator set them for the database
// (df._admin_setting reads ALTER DATABASE / ALTER ROLE ALL values only): a role's own SET or
// ALTER ROLE cannot speed up its timers, lift a bound or reach another role. Read once per
// df.work call or df.start, not per step.
import { stmt, type Db } from './db.js';
import { DfError, SQLSTATE } from './errors.js';

const settingsStmt = stmt(
  `SELECT df._admin_setting('pg_durable.fake_now_offset') AS fake_now_offset,
          df._admin_setting('pg_durable.loop_min_interval') AS loop_min_interval,
          df._admin_setting('pg_durable.max_result_bytes') AS max_result_bytes`,
);
const intervalStmt = stmt(
  `SELECT pg_catalog.date_part('epoch', $1::pg_catalog.interval)::pg_catalog.float8 AS s`,
  'pg_catalog.text',
);

export const DEFAULT_MAX_RESULT_BYTES = 64 * 1024 * 1024;

export interface AdminSettings {
  /** Test hook: seconds added to the engine's clock. */
  fakeNowOffsetSeconds: number;
  loopMinIntervalMs: number;
  maxResultBytes: number;
}

export function readAdminSettings(db: Db): AdminSettings {
  const row = db.query(settingsStmt)[0] as Record<string, string | null>;
  return {
    fakeNowOffsetSeconds: number('pg_durable.fake_now_offset', row.fake_now_offset, 0, -1e10, 1e10),
    loopMinIntervalMs: seconds(db, row.loop_min_interval) * 1000,
    maxResultBytes: number('pg_durable.max_result_bytes', row.max_result_bytes, DEFAULT_MAX_RESULT_BYTES, 1024, 2 ** 40),
  };
}

function number(name: string, raw: string | null, fallback: number, min: number, max: number): number {
  if (raw === null || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new DfError(
      SQLSTATE.invalidParameterValue,
      `${name} = '${raw}' is not a number between ${min} and ${max}`,
      `An administrator fixes it with ALTER DATABASE … SET ${name}.`,
    );
  }
  return n;
}

/** pg_durable.loop_min_interval: a number of seconds or an interval ('500ms'); 1 s when unset. */
function seconds(db: Db, raw: string | null): number {
  if (raw === null || raw.trim() === '') return 1;
  const n = /^\s*[0-9.]+\s*$/.test(raw) ? Number(raw) : Number(db.query(intervalStmt, [raw])[0].s);
  if (!Number.isFinite(n) || n < 0) {
    throw new DfError(
      SQLSTATE.invalidParameterValue,
      `pg_durable.loop_min_interval = '${raw}' is not a non-negative number of seconds or an interval`,
      'An administrator fixes it with ALTER DATABASE … SET pg_durable.loop_min_interval.',
    );
  }
  return n;
}

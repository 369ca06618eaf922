// The engine's notion of "now". Tests move it forward through the setting
// pg_durable.fake_now_offset (seconds), so timer and cron tests need not wait real minutes.
import { stmt, type Db } from './db.js';

const offsetStmt = stmt(`SELECT coalesce(nullif(current_setting('pg_durable.fake_now_offset', true), ''), '0') AS s`);

export function now(db: Db): Date {
  const offset = Number(db.query(offsetStmt)[0].s);
  return new Date(Date.now() + (Number.isFinite(offset) ? offset * 1000 : 0));
}

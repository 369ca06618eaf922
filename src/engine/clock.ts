// The engine's notion of "now". Tests move it forward through the setting
// pg_durable.fake_now_offset (seconds), so timer and cron tests need not wait real minutes.
// The setting is read once per df.work call or df.start, not per step.
import { stmt, type Db } from './db.js';

const offsetStmt = stmt(`SELECT coalesce(nullif(current_setting('pg_durable.fake_now_offset', true), ''), '0') AS s`);

export class Clock {
  private offsetMs = 0;

  refresh(db: Db): void {
    const offset = Number(db.query(offsetStmt)[0].s);
    this.offsetMs = Number.isFinite(offset) ? offset * 1000 : 0;
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

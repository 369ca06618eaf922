// The engine's Db interface over plv8: statements are prepared once per session and kept.
import type { Db, Row, Statement } from '../engine/db.js';

export class Plv8Db implements Db {
  private readonly plans = new Map<string, plv8.Plan>();
  boundChars = 0;

  query(stmt: Statement, args: readonly unknown[] = []): Row[] {
    for (const a of args) if (typeof a === 'string') this.boundChars += a.length;
    let plan = this.plans.get(stmt.sql);
    if (!plan) {
      plan = plv8.prepare(stmt.sql, [...stmt.types]);
      this.plans.set(stmt.sql, plan);
    }
    const out = plan.execute([...args]);
    return typeof out === 'number' ? [] : out;
  }

  // Prepared, run and freed: real plv8 keeps the rows of an unprepared plv8.execute until the
  // CALL ends, so a long df.work call would grow with every step's result.
  execute(sql: string): Row[] | number {
    const plan = plv8.prepare(sql);
    try {
      return plan.execute([]);
    } finally {
      plan.free();
    }
  }

  notice(message: string): void {
    plv8.elog(NOTICE, message);
  }

  commit(): void {
    plv8.commit();
  }

  rollback(): void {
    plv8.rollback();
  }
}

// The engine's Db interface over plv8: statements are prepared once per session and kept.
import type { Db, Row, Statement } from '../engine/db.js';

export class Plv8Db implements Db {
  private readonly plans = new Map<string, plv8.Plan>();

  query(stmt: Statement, args: readonly unknown[] = []): Row[] {
    let plan = this.plans.get(stmt.sql);
    if (!plan) {
      plan = plv8.prepare(stmt.sql, [...stmt.types]);
      this.plans.set(stmt.sql, plan);
    }
    const out = plan.execute([...args]);
    return typeof out === 'number' ? [] : out;
  }

  execute(sql: string): Row[] | number {
    return plv8.execute(sql);
  }

  commit(): void {
    plv8.commit();
  }

  rollback(): void {
    plv8.rollback();
  }
}

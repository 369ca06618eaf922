// The per-step side-effect table of the crash tests: every step inserts one row naming
// its instance and itself, so "exactly once" is a GROUP BY away.
import type { EngineFixture } from '../support/engine.js';

export const EFFECTS_TABLE = `CREATE TABLE effects (instance text NOT NULL, step text NOT NULL, at timestamptz DEFAULT clock_timestamp())`;

/** A step that records its effect; `extra` runs inside the same statement (e.g. a sleep). */
export function effect(step: string, extra = ''): string {
  const from = extra ? ` FROM ${extra}` : '';
  return `'INSERT INTO effects (instance, step) SELECT ''{sys_instance_id}'', ''${step}''${from}'`;
}

/** Steps recorded per instance, each with how many times it took effect. */
export async function effectCounts(fx: EngineFixture): Promise<Map<string, Map<string, number>>> {
  const { rows } = await fx.user.query('SELECT instance, step, count(*)::int AS n FROM effects GROUP BY 1, 2');
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    if (!out.has(r.instance)) out.set(r.instance, new Map());
    out.get(r.instance)!.set(r.step, r.n);
  }
  return out;
}

// A step that takes a while and shows that it is running: slow_insert(key, v, seconds)
// takes an advisory lock (visible to other sessions at once), sleeps, then inserts v into
// table t. Its lock goes when its transaction ends, committed or rolled back.
import type { EngineFixture } from './engine.js';

export const SLOW_LOCK_CLASS = 4343;

export async function installSlowInsert(fx: EngineFixture): Promise<void> {
  await fx.user.query(`
    CREATE FUNCTION slow_insert(key int, v text, seconds float8) RETURNS text LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(${SLOW_LOCK_CLASS}, key);
      PERFORM pg_sleep(seconds);
      INSERT INTO t VALUES (v);
      RETURN v;
    END $$`);
}

/** True while some session is inside slow_insert(key, …). */
export function slowStepRunning(fx: EngineFixture, key: number): Promise<boolean> {
  return fx.value<boolean>(
    `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = ${SLOW_LOCK_CLASS} AND objid = $1
       AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))`,
    [key],
  );
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

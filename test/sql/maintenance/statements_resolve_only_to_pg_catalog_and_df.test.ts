// Class 3 (name resolution) for statements: with traps for every pg_catalog function and
// operator planted in a world-writable public that comes first on the victims' search_path,
// dispatching a statement, claiming, renewing and completing it (the CLI runner) reach no trap.
// The statement itself is the victim's own text and resolves as the victim wrote it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenants, type Tenants } from '../../support/tenants.js';
import { plantPublicTraps, putPublicFirst } from '../../support/public-traps.js';
import { ident } from '../../support/roles.js';
import type { WorkerPool } from '../../../src/cli/worker-pool.js';
import { runToEnd, statementPool, vacuumCount, waitForVacuums } from './maintenance.js';

let t: Tenants;
let pool: WorkerPool;

beforeAll(async () => {
  t = await tenants('maint_paths');
  await plantPublicTraps(await t.attacker.client());
  await putPublicFirst(t.monitor, t.victims.map((v) => v.role));
  const [v] = t.victims;
  await t.monitor.query(`GRANT CREATE ON DATABASE ${ident(t.scratch.name)} TO ${ident(v.role)}`);
  await (await v.client()).query(`CREATE SCHEMA mine; CREATE TABLE mine.t (id pg_catalog.int4)`);
  pool = await statementPool(v.url, 200);
}, 180_000);
afterAll(async () => {
  await pool?.stop();
  await t?.close();
});

describe('planted objects in public', () => {
  it('never reach the dispatch of a statement, its runner or its completion', async () => {
    const [v] = t.victims;
    const before = await vacuumCount(v, 't');
    const done = await runToEnd(v, `'VACUUM mine.t' ~> 'CREATE INDEX CONCURRENTLY t_id ON mine.t (id)' ~> 'SELECT 1 AS ok'`);
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ ok: 1 }], row_count: 1 });
    await waitForVacuums(v, 't', before + 1);
    const failed = await runToEnd(v, `'VACUUM mine.no_such_table'`);
    expect(failed.error).toBe('relation "mine.no_such_table" does not exist');
  });
});

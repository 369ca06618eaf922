// A dropped role can never run its workflows again (no session can authenticate as it). Its
// unfinished instances fail on their own: df._fail_orphaned_instances(), which every
// worker of any role runs once per df.work call and every role with usage may call, fails
// them (error naming the role's oid), removes their pending work and buffered signals and
// marks their running nodes failed, and touches nothing of a role that still exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createScratch, type Scratch } from '../../support/scratch.js';
import { serverUrl, urlFor, withClient } from '../../support/server.js';
import { createLoginRoles, dropRoles, ident } from '../../support/roles.js';
import { waitFor } from '../../support/slow-step.js';
import { WorkerPool } from '../../../src/cli/worker-pool.js';

const tag = `orphans_${process.pid}`;
const R = {
  doomed: `pgd_doomed_${tag}`,
  doomed2: `Doomed "Two" ${tag}`,
  survivor: `pgd_survivor_${tag}`,
};
const DROPPED = /^the role that started this instance \(oid \d+\) was dropped$/;

let scratch: Scratch;
let su: pg.Client;
const pools: WorkerPool[] = [];

beforeAll(async () => {
  scratch = await createScratch('orphans', ['pg_durable']);
  await createLoginRoles(Object.values(R));
  su = await scratch.admin();
  await su.query(`SET client_min_messages = warning`);
  await su.query(`ALTER DATABASE ${ident(scratch.name)} SET pg_durable.loop_min_interval = '0'`);
  for (const r of Object.values(R)) await su.query(`SELECT df.grant_usage($1)`, [r]);
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.stop()));
  await scratch?.drop();
  await dropRoles(Object.values(R));
});

function as<T>(role: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  return withClient(urlFor(scratch.name, role), fn);
}

async function workers(role: string): Promise<WorkerPool> {
  const pool = new WorkerPool({ url: urlFor(scratch.name, role), workers: 1, callSeconds: 1, idlePollMs: 5 });
  await pool.start();
  pools.push(pool);
  return pool;
}

async function stop(pool: WorkerPool): Promise<void> {
  await pool.stop();
  pools.splice(pools.indexOf(pool), 1);
}

/** A workflow that has run its first step and now sleeps: instance and outer node running, work pending. */
async function sleeper(role: string, label: string): Promise<string> {
  const id = await as(role, async (c) => {
    const { rows } = await c.query(`SELECT df.start('SELECT 1' ~> df.sleep(3600), $1) AS id`, [label]);
    // A signal nobody waits for: buffered in df.signals.
    await c.query(`SELECT df.signal($1, 'unheard', '{"n": 1}')`, [rows[0].id]);
    return rows[0].id as string;
  });
  return id;
}

async function state(id: string) {
  const { rows } = await su.query(
    `SELECT i.status, i.error, i.completed_at IS NULL AS no_completed_at,
            (SELECT count(*)::int FROM df.activations a WHERE a.instance_id = i.id AND a.owner = i.submitted_by) AS activations,
            (SELECT count(*)::int FROM df.signals s WHERE s.instance_id = i.id AND s.owner = i.submitted_by) AS signals,
            (SELECT count(*)::int FROM df.nodes n WHERE n.instance_id = i.id AND n.submitted_by = i.submitted_by
               AND n.status = 'running') AS running_nodes
     FROM df.instances i WHERE i.id = $1`,
    [id],
  );
  return rows[0];
}

describe('a dropped role’s unfinished instances', () => {
  let doomedId: string;
  let survivorId: string;

  it('are failed by df._fail_orphaned_instances(), called by any role with usage', async () => {
    const pool = await workers(R.doomed);
    doomedId = await sleeper(R.doomed, 'doomed');
    survivorId = await sleeper(R.survivor, 'survivor');
    await waitFor('the doomed role’s first step', async () => (await state(doomedId)).running_nodes > 0);
    await stop(pool);
    expect(await state(doomedId)).toMatchObject({ status: 'running', signals: 1 });

    // Nothing to do yet: a role that exists is never touched.
    expect(await as(R.survivor, async (c) => (await c.query(`SELECT df._fail_orphaned_instances() AS n`)).rows[0].n)).toBe(0);

    await su.query(`SELECT df.revoke_usage($1)`, [R.doomed]);
    await withClient(serverUrl(), (c) => c.query(`DROP ROLE ${ident(R.doomed)}`));

    expect(await as(R.survivor, async (c) => (await c.query(`SELECT df._fail_orphaned_instances() AS n`)).rows[0].n)).toBe(1);
    const s = await state(doomedId);
    expect(s).toMatchObject({ status: 'failed', no_completed_at: true, activations: 0, signals: 0, running_nodes: 0 });
    expect(s.error).toMatch(DROPPED);
    const { rows: nodes } = await su.query(
      `SELECT status, result #>> '{}' AS result FROM df.nodes WHERE instance_id = $1 AND status = 'failed'`,
      [doomedId],
    );
    expect(nodes.length).toBeGreaterThan(0);
    for (const n of nodes) expect(n.result).toMatch(DROPPED);

    // Once is enough, and the survivor's own sleeping instance is untouched.
    expect(await as(R.survivor, async (c) => (await c.query(`SELECT df._fail_orphaned_instances() AS n`)).rows[0].n)).toBe(0);
    expect(await state(survivorId)).toMatchObject({ status: expect.stringMatching(/^(pending|running)$/), signals: 1 });
  });

  it('are failed by a running worker of another role, without an administrator', async () => {
    const id = await sleeper(R.doomed2, 'doomed two');
    // An administrator who cleans up by hand rather than with df.revoke_usage.
    await su.query(`DROP OWNED BY ${ident(R.doomed2)}`);
    await withClient(serverUrl(), (c) => c.query(`DROP ROLE ${ident(R.doomed2)}`));
    await workers(R.survivor);
    await waitFor('a worker of another role to fail the orphan', async () => (await state(id)).status === 'failed', 20_000);
    const s = await state(id);
    expect(s).toMatchObject({ no_completed_at: true, activations: 0, signals: 0 });
    expect(s.error).toMatch(DROPPED);
  });

  it('cannot be reached through the administrators’ name, and leave living roles alone', async () => {
    await as(R.survivor, async (c) => {
      await expect(c.query(`SELECT df.fail_orphaned_instances()`)).rejects.toThrow('permission denied for function fail_orphaned_instances');
      // Still nothing of its own (or of anyone alive) to fail.
      expect((await c.query(`SELECT df._fail_orphaned_instances() AS n`)).rows[0].n).toBe(0);
    });
    expect((await su.query(`SELECT df.fail_orphaned_instances() AS n`)).rows[0].n).toBe(0);
    expect((await state(survivorId)).status).not.toBe('failed');
    expect((await state(doomedId)).status).toBe('failed');
  });
});

// Reading df.health in the health tests: its lines as a session sees them, one line by role
// and check, and a step that a worker holds (claimed and blocked on a lock the test holds),
// so that "being run" is produced for real without timing.
import pg from 'pg';

export interface Line {
  role: string;
  check_name: string;
  level: string;
  detail: string;
}

/** The checks of every role, in the order df.health gives them. */
export const CHECKS = ['workers', 'ready_work', 'stuck_instances', 'outside_work', 'failures'];

export async function healthOf(c: pg.Client): Promise<Line[]> {
  const { rows } = await c.query<Line>('SELECT h.role, h.check_name, h.level, h.detail FROM df.health() h');
  return rows;
}

export async function lineOf(c: pg.Client, role: string, check: string): Promise<Line> {
  const found = (await healthOf(c)).filter((l) => l.role === role && l.check_name === check);
  if (found.length !== 1) throw new Error(`expected one ${check} line of ${role}, got ${JSON.stringify(found)}`);
  return found[0];
}

/** The level and detail of one check, for toEqual / toMatchObject. */
export async function check(c: pg.Client, role: string, name: string): Promise<{ level: string; detail: string }> {
  const { level, detail } = await lineOf(c, role, name);
  return { level, detail };
}

export interface HeldStep {
  /** Lets the step finish; resolves when the worker's CALL has returned. */
  release(): Promise<void>;
}

/**
 * Runs one step of the role (its only due one must read table `gate`) in a worker session
 * while `lockUrl`'s session holds an ACCESS EXCLUSIVE lock on the gate; returns once the
 * worker has claimed the step and waits for the lock.
 */
export async function holdStep(workerUrl: string, lockUrl: string, gate: string): Promise<HeldStep> {
  const locker = new pg.Client({ connectionString: lockUrl });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query(`LOCK TABLE ${gate} IN ACCESS EXCLUSIVE MODE`);
  const worker = new pg.Client({ connectionString: workerUrl });
  await worker.connect();
  const pid = (await worker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
  const call = worker.query('CALL df.work(60, 5, 1)');
  call.catch(() => undefined);
  for (const deadline = Date.now() + 30_000; ; ) {
    if (Date.now() > deadline) throw new Error(`the worker never waited for ${gate}`);
    const { rows } = await locker.query(
      `SELECT EXISTS (SELECT FROM pg_locks l WHERE l.pid = $1 AND NOT l.granted AND l.relation = $2::regclass) AS waits`,
      [pid, gate],
    );
    if (rows[0].waits) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    async release() {
      await locker.query('COMMIT');
      await locker.end();
      await call;
      await worker.end();
    },
  };
}

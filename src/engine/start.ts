// df.start: validate and flatten the graph, persist it, snapshot the caller's variables
// and start the root node. Nothing runs here; workers pick the first leaves up.
import { stmt, type Db } from './db.js';
import type { EngineSession } from './session.js';
import { Checkpoint } from './checkpoint.js';
import { databaseReads } from './reads.js';
import { writeCheckpoint } from './store.js';
import { workerSeenRecently } from './upkeep.js';
import { spawnNode } from './spawn.js';
import { flatten } from '../graph/flatten.js';
import { workflowFromText } from '../graph/builders.js';
import { DfError, SQLSTATE } from './errors.js';
import { startInNewTransaction } from './start-new-transaction.js';

const submitterStmt = stmt(
  `SELECT CURRENT_USER::pg_catalog.text AS role, r.rolcanlogin AS login, r.rolsuper AS super,
          coalesce(pg_catalog.current_setting('pg_durable.enable_superuser_instances', true), 'off')
            OPERATOR(pg_catalog.=) ANY ('{on,true,1}'::pg_catalog.text[]) AS allow_super
   FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER`,
);
// The table draws the id (users hold no INSERT right on it); a clash with an existing id
// inserts nothing and the caller draws again.
const insertInstanceStmt = stmt(
  `INSERT INTO df.instances (label, vars)
   SELECT $1, (SELECT coalesce(pg_catalog.jsonb_object_agg(v.name, v.value), '{}'::pg_catalog.jsonb) FROM df.vars v
               WHERE v.owner OPERATOR(pg_catalog.=) (SELECT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole)
                 AND NOT v.retired)
   ON CONFLICT (id) DO NOTHING
   RETURNING id::pg_catalog.text AS id, submitted_by::pg_catalog.text AS owner`,
  'pg_catalog.text',
);
const insertNodesStmt = stmt(
  `INSERT INTO df.nodes (instance_id, id, node_type, query, result_name, left_node, right_node, parent_node,
                         condition_node, extra_nodes, retry)
   SELECT $1, n.id, n.node_type, n.query, n.result_name, n.left_node, n.right_node, n.parent,
          n.condition_node, n.extra_nodes, n.retry
   FROM pg_catalog.jsonb_to_recordset($2::pg_catalog.jsonb) AS n(id pg_catalog.int4, node_type pg_catalog.text,
        query pg_catalog.text, result_name pg_catalog.text, left_node pg_catalog.int4, right_node pg_catalog.int4,
        parent pg_catalog.int4, condition_node pg_catalog.int4, extra_nodes pg_catalog.int4[], retry pg_catalog.jsonb)`,
  'pg_catalog.text',
  'pg_catalog.text',
);
const WAITS: ReadonlySet<string> = new Set(['SLEEP', 'WAIT_SCHEDULE', 'SIGNAL']);
const currentDbStmt = stmt(`SELECT pg_catalog.current_database()::pg_catalog.text AS d`);

export function start(session: EngineSession, fut: string | null, label: string | null, database: string | null, mode: string | null): string {
  const { db } = session;
  const newTransaction = isNewTransaction(session, mode);
  if (database !== null && database !== (db.query(currentDbStmt)[0].d as string)) {
    throw new DfError(
      SQLSTATE.featureNotSupported,
      `starting a workflow in another database ('${database}') is not supported`,
      'Connect to that database and call df.start() there.',
    );
  }
  const role = checkSubmitter(db); // the role first, as the reference checks it
  const root = workflowFromText(fut, 'start'); // plain SQL text is a one-step workflow
  const nodes = flatten(root);
  // Checked here first, so its errors read as in the caller's mode; the loopback repeats it.
  if (newTransaction) return startInNewTransaction(db, fut!, label, database, role);
  let row: { id: string; owner: string } | undefined;
  while (row === undefined) row = db.query(insertInstanceStmt, [label])[0] as unknown as typeof row;
  const { id, owner } = row;
  db.query(insertNodesStmt, [id, JSON.stringify(nodes)]);
  const inst = session.instances.get(db, owner, id)!;
  session.refreshSettings();
  const cp = new Checkpoint(databaseReads(db, inst, session.settings.loopMinIntervalMs, nodes), session.clock.now(), session.nextId);
  spawnNode(cp, nodes[0].id, null, 'root', null);
  // A timer or a wait starts with the instance, so it runs from now on; a SQL step makes it
  // running when a worker starts it.
  if (cp.spawnedLeafNodes().some((n) => WAITS.has(nodes[n - 1].node_type))) cp.setInstanceStatus('running');
  writeCheckpoint(db, cp.writes());
  if (!workerSeenRecently(db)) db.notice(noWorkerMessage(role));
  return id;
}

/** transaction_mode, compared case-insensitively as the reference does: true for 'new'. */
function isNewTransaction(session: EngineSession, mode: string | null): boolean {
  const m = mode?.toLowerCase() ?? 'caller';
  if (m !== 'caller' && m !== 'new') {
    throw new DfError(SQLSTATE.invalidParameterValue, `invalid transaction_mode "${mode}" for df.start(): expected 'caller' or 'new'`);
  }
  if (m === 'new' && session.inStep) {
    throw new DfError(
      SQLSTATE.featureNotSupported,
      "df.start() with transaction_mode => 'new' cannot be called inside a workflow - a plain df.start() in a step already " +
        'commits with that step, exactly once',
      'Call df.start() without transaction_mode inside workflows.',
    );
  }
  return m === 'new';
}

/** Why a workflow does not move yet, and what starts a worker for the role. */
export function noWorkerMessage(role: string): string {
  return (
    `no worker of role ${role} has run in the last 90 seconds: nothing of this workflow runs until one does ` +
    `(an administrator: SELECT df.schedule_workers('${role.replace(/'/g, "''")}'); or from outside: pg-durable worker --url …)`
  );
}

/** The submitting role's name, once it may start workflows. */
function checkSubmitter(db: Db): string {
  const who = db.query(submitterStmt)[0] as { role: string; login: boolean; super: boolean; allow_super: boolean };
  if (!who.login) {
    throw new DfError(
      SQLSTATE.insufficientPrivilege,
      `current_user "${who.role}" does not have LOGIN privilege. Every step runs in a session authenticated as the role that started it.`,
      'Start workflows as a role with LOGIN, or grant LOGIN to this one.',
    );
  }
  if (who.super && !who.allow_super) {
    throw new DfError(
      SQLSTATE.insufficientPrivilege,
      `pg_durable: superuser instances are disabled. current_user "${who.role}" is a superuser, but ` +
        'pg_durable.enable_superuser_instances is off. Set pg_durable.enable_superuser_instances = on to allow this.',
      'Start workflows as an ordinary role instead.',
    );
  }
  return who.role;
}

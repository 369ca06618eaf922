// df.start: validate and flatten the graph, persist it, snapshot the caller's variables
// and start the root node. Nothing runs here; workers pick the first leaves up.
import { stmt, type Db } from './db.js';
import type { EngineSession } from './session.js';
import { Checkpoint } from './checkpoint.js';
import { databaseReads } from './reads.js';
import { writeCheckpoint } from './store.js';
import { spawnNode } from './spawn.js';
import { flatten } from '../graph/flatten.js';
import { workflowFromText } from '../graph/builders.js';

const submitterStmt = stmt(
  `SELECT current_user::text AS role, r.rolcanlogin AS login, r.rolsuper AS super,
          coalesce(current_setting('pg_durable.enable_superuser_instances', true), 'off') IN ('on', 'true', '1') AS allow_super
   FROM pg_roles r WHERE r.rolname = current_user`,
);
const insertInstanceStmt = stmt(
  `INSERT INTO df.instances (id, label, vars)
   SELECT substr(md5(random()::text || clock_timestamp()::text), 1, 8), $1,
          (SELECT coalesce(json_object_agg(name, value), '{}')::jsonb FROM df.vars WHERE owner = current_user::regrole)
   ON CONFLICT (id) DO NOTHING
   RETURNING id`,
  'text',
);
const insertNodesStmt = stmt(
  `INSERT INTO df.nodes (instance_id, id, node_type, query, result_name, left_node, right_node, parent_node,
                         condition_node, extra_nodes, retry)
   SELECT $1, n.id, n.node_type, n.query, n.result_name, n.left_node, n.right_node, n.parent,
          n.condition_node, n.extra_nodes, n.retry
   FROM jsonb_to_recordset($2::jsonb) AS n(id int, node_type text, query text, result_name text, left_node int,
        right_node int, parent int, condition_node int, extra_nodes int[], retry jsonb)`,
  'text',
  'text',
);
const currentDbStmt = stmt(`SELECT current_database()::text AS d`);

export function start(session: EngineSession, fut: string, label: string | null, database: string | null, mode: string | null): string {
  const { db } = session;
  if (mode !== null && mode !== 'caller' && mode !== 'new') {
    throw new Error(`invalid transaction_mode '${mode}': use 'caller' (default) or 'new'`);
  }
  if (mode === 'new') {
    throw new Error(`transaction_mode 'new' is not supported by this version of pg_durable: commit the df.start() call in its own transaction instead`);
  }
  if (database !== null && database !== (db.query(currentDbStmt)[0].d as string)) {
    throw new Error(`starting a workflow in another database ('${database}') is not supported: connect to that database and call df.start() there`);
  }
  const root = workflowFromText(fut); // plain SQL text is a one-step workflow
  checkSubmitter(db);
  const nodes = flatten(root);
  let id: string | undefined;
  while (id === undefined) id = db.query(insertInstanceStmt, [label])[0]?.id as string | undefined;
  db.query(insertNodesStmt, [id, JSON.stringify(nodes)]);
  const inst = session.instances.get(db, id)!;
  session.clock.refresh(db);
  const cp = new Checkpoint(databaseReads(db, inst), session.clock.now(), session.nextId);
  spawnNode(cp, nodes[0].id, null, 'root', null);
  writeCheckpoint(db, cp.writes());
  return id;
}

function checkSubmitter(db: Db): void {
  const who = db.query(submitterStmt)[0] as { role: string; login: boolean; super: boolean; allow_super: boolean };
  if (!who.login) {
    throw new Error(`role ${who.role} cannot start workflows: it has no LOGIN, and every step runs in a session authenticated as the role that started it`);
  }
  if (who.super && !who.allow_super) {
    throw new Error(`superuser ${who.role} cannot start workflows: run them as an ordinary role, or set pg_durable.enable_superuser_instances = on`);
  }
}

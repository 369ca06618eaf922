// The bundle's entry point: evaluated once per session (per role context) by df._load(),
// it publishes the engine as globalThis.pgDurable for the thin SQL function bodies.
import * as builders from '../graph/builders.js';
import { EngineSession } from '../engine/session.js';
import { Plv8Db } from './db.js';
import { start } from '../engine/start.js';
import * as control from '../engine/control.js';
import * as vars from '../engine/vars.js';
import { work } from '../engine/worker.js';
import { explain, inferredStatuses, type ExplainFormat } from '../engine/monitor.js';

const session = new EngineSession(new Plv8Db());
const db = session.db;

const api = {
  version: PG_DURABLE_VERSION,
  builders,
  start: (fut: string | null, label: string | null, database: string | null, mode: string | null) =>
    start(session, fut, label, database, mode),
  status: (id: string) => control.status(db, id),
  result: (id: string) => control.result(db, id),
  error: (id: string) => control.error(db, id),
  awaitInstance: (id: string, timeout: number) => control.awaitInstance(session, id, timeout),
  cancel: (id: string, reason: string) => control.cancel(db, id, reason),
  signal: (id: string, name: string, data: string | null) => control.signal(db, id, name, data),
  setvar: (name: string, value: string | null) => vars.setvar(session, name, value),
  getvar: (name: string) => vars.getvar(session, name),
  unsetvar: (name: string) => vars.unsetvar(session, name),
  clearvars: () => vars.clearvars(session),
  inferredStatuses: (id: string) => inferredStatuses(db, id),
  explain: (input: string, format: string) => {
    if (!['text', 'full', 'mermaid'].includes(format)) throw new Error(`format must be 'text', 'full' or 'mermaid', got '${format}'`);
    return explain(db, input, format as ExplainFormat);
  },
  work: (maxSeconds: number, idlePollMs: number, maxSteps: number | null) =>
    work(session, { maxSeconds, idlePollMs, maxSteps }),
};

export type PgDurableApi = typeof api;
(globalThis as unknown as { pgDurable: PgDurableApi }).pgDurable = api;

// The bundle's entry point: evaluated once per session (per role context) by df._load(),
// it publishes the engine as globalThis.pgDurable for the thin SQL function bodies. Every
// function a df function calls replies instead of throwing (reply.ts); df.work's loop and
// df._inferred_statuses, which no caller sees fail, are the exceptions.
import * as builders from '../graph/builders.js';
import { EngineSession } from '../engine/session.js';
import { Plv8Db } from './db.js';
import { start } from '../engine/start.js';
import * as control from '../engine/control.js';
import * as vars from '../engine/vars.js';
import { checkWorkerSession, work } from '../engine/worker.js';
import { explain, inferredStatuses, type ExplainFormat } from '../engine/monitor.js';
import { DfError, SQLSTATE } from '../engine/errors.js';
import { reply, type Reply } from './reply.js';
import * as runners from '../engine/runners.js';
import { maskedQuery } from '../graph/http-secrets.js';

const session = new EngineSession(new Plv8Db());
const db = session.db;

/** `f` as a df function calls it: replying with its value or its error. */
const replying =
  <A extends unknown[]>(f: (...args: A) => string | null) =>
  (...args: A): Reply =>
    reply(() => f(...args));

const FORMATS: readonly string[] = ['text', 'full', 'mermaid'];

const api = {
  version: PG_DURABLE_VERSION,
  builders: {
    sql: replying(builders.sql),
    seq: replying(builders.seq),
    as: replying(builders.as),
    join: replying(builders.join),
    join3: replying(builders.join3),
    race: replying(builders.race),
    ifElse: replying(builders.ifElse),
    ifRows: replying(builders.ifRows),
    partialIf: replying(builders.partialIf),
    completeIf: replying(builders.completeIf),
    loop: replying(builders.loop),
    map: replying(builders.map),
    brk: replying(builders.brk),
    sleep: replying(builders.sleep),
    waitForSchedule: replying(builders.waitForSchedule),
    waitForSignal: replying(builders.waitForSignal),
    retry: replying(builders.retry),
    http: replying(builders.http),
    httpMultipart: replying(builders.httpMultipart),
  },
  start: replying((fut: string | null, label: string | null, database: string | null, mode: string | null) =>
    start(session, fut, label, database, mode),
  ),
  status: replying((id: string) => control.status(db, id)),
  result: replying((id: string) => control.result(db, id)),
  error: replying((id: string) => control.error(db, id)),
  awaitInstance: replying((id: string, timeout: number) => control.awaitInstance(session, id, timeout)),
  cancel: replying((id: string, reason: string) => control.cancel(db, id, reason)),
  signal: replying((id: string | null, name: string | null, data: string | null) => control.signal(db, id, name, data)),
  setvar: replying((name: string | null, value: string | null) => vars.setvar(session, name, value)),
  getvar: replying((name: string) => vars.getvar(session, name)),
  unsetvar: replying((name: string) => vars.unsetvar(session, name)),
  clearvars: replying(() => vars.clearvars(session)),
  explain: replying((input: string, format: string) => {
    if (!FORMATS.includes(format)) {
      throw new DfError(SQLSTATE.invalidParameterValue, `format must be 'text', 'full' or 'mermaid', got '${format}'`);
    }
    return explain(db, input, format as ExplainFormat);
  }),
  checkWorkerSession: replying((maxSeconds: number | null, idlePollMs: number | null) =>
    checkWorkerSession(session, maxSeconds, idlePollMs),
  ),
  work: (maxSeconds: number, idlePollMs: number, maxSteps: number | null) =>
    work(session, { maxSeconds, idlePollMs, maxSteps }),
  inferredStatuses: (id: string) => inferredStatuses(db, id),
  maskedQuery,
  claimDispatched: replying((kind: string | null, runner: string | null, maxCount: number | null) =>
    runners.claim(session, kind, runner, maxCount),
  ),
  completeDispatched: replying(
    (activationId: string | null, token: string | null, result: string | null, error: string | null, retryAfter: number | null) =>
      runners.complete(session, activationId, token, result, error, retryAfter),
  ),
  releaseDispatched: replying((activationId: string | null, token: string | null) =>
    String(runners.release(db, activationId, token)),
  ),
  renewDispatched: replying((activationId: string | null, token: string | null) => runners.renew(db, activationId, token)),
};

export type PgDurableApi = typeof api;
(globalThis as unknown as { pgDurable: PgDurableApi }).pgDurable = api;

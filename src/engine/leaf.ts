// What a claimed leaf activation does when a worker runs it.
import type { Db } from './db.js';
import type { FlatNode } from '../graph/flatten.js';
import type { InstanceInfo } from './instance.js';
import { broke, completed, failed, type Outcome } from './outcome.js';
import { messageOf, runSqlStep, sessionStringSettings } from './sql-step.js';
import { passesThrough } from './errors.js';
import { readBreakQuery, readSignalQuery, readSleepSeconds } from '../graph/queries.js';
import { substituteRaw, substituteSql, substituteVariables } from '../template/substitute.js';
import { parseLossless } from '../json/lossless.js';
import { dispatchHttp } from './http-step.js';
import type { Dispatch } from './dispatch.js';
import { outsideStatementStep } from './statement-step.js';
import { scopeOf } from './map.js';

export function runLeaf(
  db: Db,
  inst: InstanceInfo,
  node: FlatNode,
  memo: Record<string, unknown>,
  now: Date,
  maxResultBytes: number,
): Outcome | Dispatch {
  const scope = scopeOf(memo); // the MAP items the step runs in
  try {
    switch (node.node_type) {
      case 'SQL': {
        const query = node.query!;
        const ctx = inst.templateContext(db, query, scope);
        // Substitution and the checks on the statement lex it as this session will parse it.
        const strings = sessionStringSettings(db, substituteVariables(query, ctx));
        const sql = substituteSql(query, ctx, strings);
        return outsideStatementStep(sql, strings) ?? completed(runSqlStep(db, sql, { maxResultBytes }, strings));
      }
      case 'SLEEP':
        return completed(`{"slept":true,"seconds":${readSleepSeconds(node.query!)}}`);
      case 'WAIT_SCHEDULE':
        return completed(`{"scheduled":true,"fired_at":${JSON.stringify(now.toISOString())}}`);
      case 'SIGNAL': {
        const name = JSON.stringify(readSignalQuery(node.query!).signal_name);
        const data = memo.signal as string | undefined;
        return completed(
          data === undefined
            ? `{"signal_name":${name},"timed_out":true,"data":null}`
            : `{"signal_name":${name},"timed_out":false,"data":${data}}`,
        );
      }
      case 'BREAK': {
        const raw = readBreakQuery(node.query!).break_value;
        return broke(raw === null ? 'null' : jsonOrString(substituteRaw(raw, inst.templateContext(db, raw, scope))));
      }
      case 'HTTP':
      case 'HTTP_MULTIPART':
        return dispatchHttp(db, inst, node, scope);
      default:
        return failed(`node type ${node.node_type} is not a step`);
    }
  } catch (e) {
    if (passesThrough(e)) throw e; // not the step's failure (see errors.ts)
    return failed(messageOf(e));
  }
}

/** A break value is JSON when it parses as JSON, else a JSON string. */
function jsonOrString(text: string): string {
  try {
    parseLossless(text);
    return text.trim();
  } catch {
    return JSON.stringify(text);
  }
}

// One-line descriptions of nodes and statuses, shared by the text tree and the Mermaid chart.

import type { FlatNode } from '../graph/flatten.js';
import {
  readBreakQuery, readHttpMultipartQuery, readHttpQuery, readIfRowsQuery, readMapQuery, readScheduleQuery, readSignalQuery,
} from '../graph/queries.js';

/** Node statuses as shown: the physical ones plus the inferred `skipped`. */
export type NodeDisplayStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';
export type InstanceStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

export const NODE_GLYPHS: Readonly<Record<NodeDisplayStatus, string>> = {
  completed: '✓', failed: '✗', running: '⏳', pending: '○', skipped: '⊘',
};

export const INSTANCE_ICONS: Readonly<Record<InstanceStatus, string>> = {
  completed: '✓', failed: '✗', running: '⏳', pending: '○', cancelled: '⊘',
};

const CLIP_LENGTH = 47;

export interface LabelOptions {
  /** Show statements and values whole instead of clipped to 47 characters. */
  fullQueries?: boolean;
}

/** The node's own label with its name and retry suffixes, e.g. `SQL: SELECT 1 |=> 'one'`. */
export function nodeLabel(node: FlatNode, options: LabelOptions = {}): string {
  return ownLabel(node, options) + nameSuffix(node);
}

/** Whitespace (newlines included) collapses so that every node stays on one line. */
export function clip(text: string, limit: number, full: boolean, ellipsis: string): string {
  const flat = printable(text.replace(/\s+/g, ' ').trim());
  const chars = Array.from(flat); // by code point, so no surrogate pair is cut in half
  return full || chars.length <= limit ? flat : chars.slice(0, limit).join('') + ellipsis;
}

/**
 * A name or value shown as written, on one line: control characters (a signal name may hold a
 * line break) are shown escaped, `\n`, `\t`, `\x01`.
 */
function printable(text: string): string {
  const named: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** JOIN and RACE branches in order: left, right, extras. */
export function branchesOf(node: FlatNode): number[] {
  return [node.left_node, node.right_node, ...node.extra_nodes].filter((id): id is number => id !== null);
}

/** The condition of an IF built by df.if_rows, which has no condition node. */
export function ifRowsCondition(node: FlatNode): string {
  return `$${readIfRowsQuery(node.query ?? '').result_name} has rows`;
}

function ownLabel(node: FlatNode, options: LabelOptions): string {
  const full = options.fullQueries === true;
  const query = node.query ?? '';
  switch (node.node_type) {
    case 'SQL':
      return `SQL: ${clip(query, CLIP_LENGTH, full, '…')}`;
    case 'SLEEP':
      return `SLEEP ${query}s`;
    case 'WAIT_SCHEDULE':
      return `WAIT '${printable(readScheduleQuery(query).cron_expr)}'`;
    case 'HTTP': {
      const http = readHttpQuery(query);
      return `HTTP ${http.method} ${printable(http.url)}`;
    }
    case 'HTTP_MULTIPART': {
      const http = readHttpMultipartQuery(query);
      const parts = http.parts.length === 1 ? '1 part' : `${http.parts.length} parts`;
      return `HTTP ${http.method} ${printable(http.url)} (multipart, ${parts})`;
    }
    case 'SIGNAL': {
      const signal = readSignalQuery(query);
      const timeout = signal.timeout_seconds === null ? 'no timeout' : `${signal.timeout_seconds}s`;
      return `SIGNAL '${printable(signal.signal_name)}' (${timeout})`;
    }
    case 'LOOP':
      return node.condition_node === null ? 'LOOP (infinite)' : 'LOOP (while)';
    case 'BREAK': {
      const value = readBreakQuery(query).break_value;
      return value === null ? 'BREAK' : `BREAK '${clip(value, CLIP_LENGTH, full, '…')}'`;
    }
    case 'JOIN':
      return `JOIN (${2 + node.extra_nodes.length})`;
    case 'MAP':
      return `MAP (concurrency ${readMapQuery(query).concurrency})`;
    case 'IF':
    case 'RACE':
    case 'THEN':
      return node.node_type;
  }
}

function nameSuffix(node: FlatNode): string {
  const name = node.result_name === null ? '' : ` |=> '${node.result_name}'`;
  const retry = node.retry === null ? '' : ` [retry: ${node.retry.max_attempts} attempts]`;
  return name + retry;
}

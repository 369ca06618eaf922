// MAP (df.map, spec/map.md): the items workflow runs first; its row set is stored once, one
// row per item (map_items), and one body activation per item (slot `item:N`) runs with
// `$item` bound to its row. At most `concurrency` bodies are live; a settled item records
// its outcome in one row (map_results) and starts the next item in the same checkpoint, so
// settling an item costs the same whatever the number of items. The memo holds only counts.
import type { Checkpoint, Loaded } from './checkpoint.js';
import { completed, failed, type Outcome } from './outcome.js';
import { spawnNode } from './spawn.js';
import { readMapQuery, type MapQuery } from '../graph/queries.js';
import { quote } from '../graph/envelope.js';

/**
 * One enclosing MAP item, as activations below it carry it in their memo (`scope`, outermost
 * first): the item's activation (the root of its body, which keys the names bound inside it),
 * the MAP's activation and the item's number (which key its row).
 */
export type ItemScope = [item: string, map: string, index: number];

export const ITEM_SLOT = 'item:';

export function scopeOf(memo: Record<string, unknown>): ItemScope[] {
  return (memo.scope as ItemScope[] | undefined) ?? [];
}

/** The scope of a child in `slot` of a parent whose memo is `parentMemo`: an item opens a new one. */
export function childScope(parentMemo: Record<string, unknown> | null, id: string, parentId: string | null, slot: string): ItemScope[] {
  const outer = parentMemo === null ? [] : scopeOf(parentMemo);
  return slot.startsWith(ITEM_SLOT) && parentId !== null ? [...outer, [id, parentId, itemNumber(slot)]] : outer;
}

function itemNumber(slot: string): number {
  return Number(slot.slice(ITEM_SLOT.length));
}

interface MapMemo {
  items: number;
  /** The next item to start, from 1. */
  next: number;
  done: number;
  failed: number;
  running: number;
  /** The lowest-numbered failed item so far. */
  first?: { item: number; error: string };
}

const BREAK_LEFT_BODY = 'df.break() would leave the body of df.map: a break inside a map body must be inside a loop of that body';

export function advanceMap(cp: Checkpoint, parent: Loaded, slot: string, out: Outcome): Outcome | null {
  const node = cp.reads.node(parent.node_id);
  const config = readMapQuery(node.query!);
  if (slot === 'items') {
    if (out.kind !== 'completed') return out;
    const count = cp.reads.rowSetLength(out.result);
    if (count === null) {
      return failed(`MAP: the items workflow must give a row set ({"rows":[…]}), got ${quote(out.result, '')}`);
    }
    if (count === 0) return completed('{"rows":[],"row_count":0}');
    cp.addMapItems(parent.id, out.result);
    const memo = Object.assign(parent.memo, { items: count, next: 1, done: 0, failed: 0, running: 0 }) as unknown as MapMemo;
    startItems(cp, parent, node.right_node!, memo, config);
    return null;
  }

  const memo = parent.memo as unknown as MapMemo;
  const index = itemNumber(slot);
  const item = out.kind === 'break' ? failed(BREAK_LEFT_BODY) : out;
  memo.running -= 1;
  if (item.kind === 'failed') {
    memo.failed += 1;
    if (memo.first === undefined || index < memo.first.item) memo.first = { item: index, error: item.error };
  } else {
    memo.done += 1;
  }
  const status = item.kind === 'failed' ? 'failed' : 'completed';
  const value = item.kind === 'failed' ? JSON.stringify(item.error) : item.kind === 'completed' ? item.result : 'null';
  startItems(cp, parent, node.right_node!, memo, config);
  if (memo.running > 0) {
    cp.addMapResult(parent.id, index, status, value);
    return null;
  }
  if (memo.failed > config.max_failures) {
    // Its outcomes go with it: the failed items stay visible with its counts (df.instance_items).
    const failedItems = cp.reads.failedItems(parent.id, { item: index, status, result: value });
    cp.setNodeDetails(parent.node_id, `${JSON.stringify(mapCounts(memo)).slice(0, -1)},"failed_items":${failedItems}}`);
    return failed(`MAP: ${memo.failed} of ${memo.items} items failed; first (item ${memo.first!.item}): ${memo.first!.error}`);
  }
  return completed(cp.reads.mapResult(parent.id, { item: index, status, result: value }));
}

/** Fills free slots with the next items, unless too many items failed already. */
function startItems(cp: Checkpoint, parent: Loaded, body: number, memo: MapMemo, config: MapQuery): void {
  while (memo.running < config.concurrency && memo.next <= memo.items && memo.failed <= config.max_failures) {
    spawnNode(cp, body, parent.id, `${ITEM_SLOT}${memo.next}`, null);
    memo.next += 1;
    memo.running += 1;
  }
  cp.updateMemo(parent.id, parent.memo);
  cp.setNodeDetails(parent.node_id, JSON.stringify(mapCounts(memo)));
}

/** What df.instance_nodes shows in the MAP's status_details, and df.explain after its label. */
function mapCounts(memo: MapMemo): { done: number; failed: number; in_flight: number; waiting: number } {
  return { done: memo.done, failed: memo.failed, in_flight: memo.running, waiting: memo.items - memo.next + 1 };
}

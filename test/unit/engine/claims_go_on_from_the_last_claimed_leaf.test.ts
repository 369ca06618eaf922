// ClaimOrder: a worker claims on from the last leaf it claimed, and from the start again when
// nothing is found there or a second has passed. The fake database answers the claim
// statement as PostgreSQL would: the first due leaf at or after the position, in (wake_at, id) order.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClaimOrder } from '../../../src/engine/claim-order.js';
import type { Db, Row, Statement } from '../../../src/engine/db.js';

interface Leaf {
  wake_at: string;
  id: string;
}

class QueueDb implements Db {
  readonly boundChars = 0;
  readonly froms: string[] = [];
  constructor(public leaves: Leaf[]) {}
  query(_: Statement, args: readonly unknown[] = []): Row[] {
    const [, now, fromWake, fromId] = args as string[];
    this.froms.push(`${fromWake}/${fromId}`);
    const key = (l: Leaf) => (l.wake_at === '-infinity' ? '' : `${l.wake_at}|${l.id.padStart(20, '0')}`);
    const from = key({ wake_at: fromWake, id: fromId });
    const due = this.leaves.filter((l) => l.wake_at <= now && key(l) >= from).sort((a, b) => key(a).localeCompare(key(b)));
    return due.length ? [{ ...due[0] }] : [];
  }
  execute(): Row[] {
    return [];
  }
  notice(): void {}
  commit(): void {}
  rollback(): void {}
  /** The worker settled the leaf: it is gone. */
  settle(id: string): void {
    this.leaves = this.leaves.filter((l) => l.id !== id);
  }
}

const NOW = new Date('2026-01-01T00:00:10.000Z');
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

describe('claim order', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('starts at the beginning, then goes on from the leaf it claimed last', () => {
    const db = new QueueDb([{ wake_at: at(1), id: '1' }, { wake_at: at(1), id: '2' }, { wake_at: at(2), id: '3' }]);
    const order = new ClaimOrder();
    const claimed: string[] = [];
    for (let i = 0; i < 3; i++) {
      const row = order.claim(db, 'alice', NOW)!;
      claimed.push(row.id);
      db.settle(row.id);
    }
    expect(claimed).toEqual(['1', '2', '3']);
    expect(db.froms).toEqual(['-infinity/0', `${at(1)}/1`, `${at(1)}/2`]);
  });

  it('scans from the beginning again in the same call when nothing is due after its position', () => {
    const db = new QueueDb([{ wake_at: at(5), id: '9' }]);
    const order = new ClaimOrder();
    db.settle(order.claim(db, 'alice', NOW)!.id);
    db.leaves.push({ wake_at: at(3), id: '10' }); // committed late, behind the position
    expect(order.claim(db, 'alice', NOW)!.id).toBe('10');
    expect(db.froms.slice(1)).toEqual([`${at(5)}/9`, '-infinity/0']);
  });

  it('scans from the beginning again once a second has passed, so a leaf behind the position waits no longer', () => {
    const db = new QueueDb([{ wake_at: at(5), id: '20' }, { wake_at: at(6), id: '21' }, { wake_at: at(7), id: '22' }]);
    const order = new ClaimOrder();
    db.settle(order.claim(db, 'alice', NOW)!.id);
    db.leaves.push({ wake_at: at(1), id: '23' });
    vi.advanceTimersByTime(500);
    expect(order.claim(db, 'alice', NOW)!.id).toBe('21');
    vi.advanceTimersByTime(500);
    expect(order.claim(db, 'alice', NOW)!.id).toBe('23');
  });

  it('claims nothing that is not due yet, and an idle worker scans from the beginning each time', () => {
    const db = new QueueDb([{ wake_at: at(30), id: '30' }]);
    const order = new ClaimOrder();
    expect(order.claim(db, 'alice', NOW)).toBeNull();
    expect(order.claim(db, 'alice', NOW)).toBeNull();
    expect(db.froms).toEqual(['-infinity/0', '-infinity/0']);
  });
});

// Where a worker's claims start. Leaves are claimed oldest first, in (wake_at, id) order; a
// claimed leaf leaves the claim index when it settles, but its entry stays there until vacuum,
// so a scan from the start walks every leaf settled since the last vacuum (with 100,000
// workflows started at once, a claim walked tens of thousands of entries). A worker therefore
// scans on from the last leaf it claimed, and from the start again when that finds nothing or
// a second has passed: a leaf that became due behind the position (a worker that died with it
// locked, a start that committed late) waits at most that second.
import type { Db } from './db.js';
import * as store from './store.js';

const FROM_START = { wake_at: '-infinity', id: '0' } as const;
const RESCAN_MS = 1000;

export class ClaimOrder {
  private from: { wake_at: string; id: string } = FROM_START;
  private scannedAt = 0;

  claim(db: Db, owner: string, now: Date): store.ActivationRow | null {
    if (Date.now() - this.scannedAt >= RESCAN_MS) this.from = FROM_START;
    let row = store.claim(db, owner, now, this.from);
    if (row === null && this.from !== FROM_START) {
      this.from = FROM_START;
      row = store.claim(db, owner, now, this.from);
    }
    if (this.from === FROM_START) this.scannedAt = Date.now();
    this.from = row === null ? FROM_START : { wake_at: row.wake_at, id: row.id };
    return row;
  }
}

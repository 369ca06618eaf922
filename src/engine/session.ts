// Per-session engine state: the database interface, the graph cache, the administrator's
// settings and a pool of activation ids (sequence values are never reused, so a pool wastes
// nothing that matters).
import type { Db } from './db.js';
import { InstanceCache } from './instance.js';
import { nextActivationIds } from './store.js';
import { Clock } from './clock.js';
import { DfError, SQLSTATE } from './errors.js';
import { DEFAULT_MAX_RESULT_BYTES, readAdminSettings, type AdminSettings } from './settings.js';

const ID_BATCH = 32;

export class EngineSession {
  readonly instances = new InstanceCache();
  readonly clock = new Clock();
  settings: AdminSettings = { fakeNowOffsetSeconds: 0, loopMinIntervalMs: 1000, maxResultBytes: DEFAULT_MAX_RESULT_BYTES };
  private pool: string[] = [];

  /** True while a worker runs a step, so helpers that must not be steps can refuse. */
  inStep = false;

  constructor(readonly db: Db) {}

  /** Re-reads the administrator's settings (once per df.work call or df.start). */
  refreshSettings(): void {
    this.settings = readAdminSettings(this.db);
    this.clock.setOffset(this.settings.fakeNowOffsetSeconds);
  }

  refuseInsideStep(fn: string): void {
    if (this.inStep) {
      throw new DfError(SQLSTATE.featureNotSupported, `${fn}() cannot be called inside a workflow`, 'Call it before df.start().');
    }
  }

  readonly nextId = (): string => {
    if (!this.pool.length) this.pool = nextActivationIds(this.db, ID_BATCH).reverse();
    return this.pool.pop()!;
  };
}

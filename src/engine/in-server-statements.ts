// The in-server statement runners, run by the role's own df.work sessions as housekeeping
// (spec/outside-steps.md §5): the loopback where an administrator configured it for the role
// (dblink-statements.ts: the statement starts as soon as it is taken), else pg_cron where it is
// installed in this database (cron-statements.ts: the statement starts at the next cron
// minute). Both take only statements that no other runner (a CLI worker's) took for a while.
import type { EngineSession } from './session.js';
import { CronStatements } from './cron-statements.js';
import { DblinkStatements } from './dblink-statements.js';

export class InServerStatements {
  private readonly cron = new CronStatements();
  private readonly dblink: DblinkStatements;

  /** One per df.work call; `role` is the session's role (CURRENT_USER). */
  constructor(role: string) {
    this.dblink = new DblinkStatements(role);
  }

  tick(session: EngineSession): void {
    this.dblink.tick(session);
    // Jobs pg_cron already has are followed up whichever runner takes new statements.
    this.cron.tick(session, !this.dblink.configured(session.db));
  }

  /** Before df.work returns: waits for the statement this session sent, until `deadline` (ms). */
  finish(session: EngineSession, deadline: number, pause: () => void): void {
    this.dblink.finish(session, deadline, pause);
  }
}

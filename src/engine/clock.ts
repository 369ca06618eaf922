// The engine's notion of "now". Tests move it forward through the administrator's setting
// pg_durable.fake_now_offset (seconds; see settings.ts), so timer and cron tests need not
// wait real minutes.
export class Clock {
  private offsetMs = 0;

  setOffset(seconds: number): void {
    this.offsetMs = seconds * 1000;
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

// `pg-durable status [ID]`: one instance's status and progress (steps settled / total, the
// steps running now, elapsed time, result or error); without ID, the role's instances
// counted by status and the unfinished ones with their progress.
import type pg from 'pg';
import { INSTANCE_ICONS, type InstanceStatus } from '../explain/labels.js';
import { columns, duration, lineWidth, oneLine, palette, statusPaint, type Palette } from './format.js';
import { withSession } from './session.js';
import {
  checkInstanceId, INSTANCE_STATUSES, progressText, readSnapshot, settledSteps, withoutNodes, type SnapshotSummary,
} from './snapshot.js';

export interface StatusOptions {
  json: boolean;
  /** How many unfinished instances the summary shows. */
  limit: number;
}

export async function status(url: string, id: string | undefined, options: StatusOptions): Promise<number> {
  if (id !== undefined) checkInstanceId(id);
  return withSession(url, 'status', async (client) => {
    if (id !== undefined) {
      const s = await readSnapshot(client, id);
      print(options.json ? JSON.stringify(s, null, 2) : instanceLines(s, palette()).join('\n'));
    } else {
      const summary = await readSummary(client, options.limit);
      print(options.json ? JSON.stringify(summary, null, 2) : summaryLines(summary, palette()).join('\n'));
    }
    return 0;
  });
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** `Status:` and the lines after it, as `status ID` prints them and `watch` heads its frame with. */
export function instanceLines(s: SnapshotSummary, p: Palette, options: { clipOutput?: number } = {}): string[] {
  const icon = INSTANCE_ICONS[s.status as InstanceStatus] ?? '?';
  const lines = [
    `Instance: ${s.id}${s.label === null ? '' : ` (${s.label})`}`,
    `Status:   ${statusPaint(p, s.status)(`${icon} ${s.status}`)}`,
    `Progress: ${progressBar(s, p)} ${progressText(s.steps)}`,
  ];
  for (const [i, c] of s.current.entries()) {
    lines.push(`${i === 0 ? 'Current:' : '        '}  ${c.label} ${p.dim(`(${duration(c.running_ms)})`)}`);
  }
  lines.push(`Elapsed:  ${duration(s.elapsed_ms)}`);
  const clip = (text: string) => (options.clipOutput === undefined ? text : oneLine(text, options.clipOutput));
  if (s.result !== null) lines.push(`Result:   ${clip(JSON.stringify(s.result))}`);
  if (s.error !== null) lines.push(`Error:    ${p.red(clip(s.error))}`);
  return lines;
}

function progressBar(s: SnapshotSummary, p: Palette): string {
  const width = 20;
  const filled = s.steps.total === 0 ? width : Math.round((settledSteps(s.steps) / s.steps.total) * width);
  return `[${statusPaint(p, s.status === 'failed' ? 'failed' : 'completed')('#'.repeat(filled))}${p.dim('.'.repeat(width - filled))}]`;
}

interface Summary {
  role: string;
  counts: Record<(typeof INSTANCE_STATUSES)[number] | 'total', number>;
  /** Unfinished instances (running, then pending), newest first, at most the limit. */
  active: SnapshotSummary[];
  active_total: number;
}

async function readSummary(client: pg.Client, limit: number): Promise<Summary> {
  // No monitoring function counts a role's instances (df.metrics is for administrators), so
  // this one read is of the table itself; row-level security keeps it to the role's rows.
  const { rows } = await client.query<{ role: string; status: string; n: number }>(
    `SELECT current_user AS role, i.status, count(*)::int AS n FROM df.instances i GROUP BY i.status
     UNION ALL SELECT current_user, NULL, 0`,
  );
  const counts = Object.fromEntries([...INSTANCE_STATUSES, 'total'].map((k) => [k, 0])) as Summary['counts'];
  for (const r of rows) {
    if (r.status !== null && r.status in counts) counts[r.status as keyof Summary['counts']] += r.n;
    counts.total += r.n;
  }
  const ids: string[] = [];
  for (const wanted of ['running', 'pending']) {
    const page = await client.query<{ instance_id: string }>('SELECT instance_id FROM df.list_instances($1, $2)', [wanted, limit]);
    ids.push(...page.rows.map((r) => r.instance_id));
  }
  const active: SnapshotSummary[] = [];
  for (const id of ids.slice(0, limit)) {
    try {
      active.push(withoutNodes(await readSnapshot(client, id)));
    } catch {
      // ended and was removed between the two reads: nothing to show
    }
  }
  return {
    role: rows[0]?.role ?? '',
    counts,
    active,
    active_total: counts.running + counts.pending,
  };
}

function summaryLines(s: Summary, p: Palette): string[] {
  const parts = INSTANCE_STATUSES.filter((k) => s.counts[k] > 0).map((k) => statusPaint(p, k)(`${s.counts[k]} ${k}`));
  const lines = [`Instances of role ${s.role}: ${s.counts.total}${parts.length ? ` (${parts.join(', ')})` : ''}`];
  if (s.active.length === 0) return [...lines, 'Nothing running or pending.'];
  const width = lineWidth();
  const rows: string[][] = [['ID', 'STATUS', 'PROGRESS', 'ELAPSED', 'LABEL', 'CURRENT']];
  const paints: (((t: string) => string) | undefined)[][] = [[p.bold, p.bold, p.bold, p.bold, p.bold, p.bold]];
  for (const a of s.active) {
    const current = a.current.map((c) => c.label).join('; ');
    rows.push([a.id, a.status, `${settledSteps(a.steps)}/${a.steps.total}`, duration(a.elapsed_ms), a.label ?? '', oneLine(current, Math.max(20, width - 60))]);
    paints.push([undefined, statusPaint(p, a.status)]);
  }
  lines.push('', ...columns(rows, paints));
  if (s.active_total > s.active.length) {
    lines.push(p.dim(`… and ${s.active_total - s.active.length} more: pg-durable list --status running (or pending)`));
  }
  return lines;
}

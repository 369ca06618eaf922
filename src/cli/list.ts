// `pg-durable list`: the role's instances, newest first, one page at a time
// (df.list_instances with its status and label filters and its keyset cursor).
import { columns, duration, lineWidth, localTime, oneLine, palette, statusPaint } from './format.js';
import { withSession } from './session.js';
import { INSTANCE_STATUSES } from './snapshot.js';

export interface ListOptions {
  json: boolean;
  status?: string;
  label?: string;
  limit: number;
  after?: string;
}

interface ListRow {
  instance_id: string;
  label: string | null;
  status: string;
  execution_count: string;
  output: string | null;
  created_at: Date;
  completed_at: Date | null;
  next_cursor: string | null;
}

export function checkStatusFilter(status: string | undefined): void {
  if (status !== undefined && !(INSTANCE_STATUSES as readonly string[]).includes(status)) {
    throw new Error(`--status must be one of ${INSTANCE_STATUSES.join(', ')}; got '${status}'`);
  }
}

export async function list(url: string, options: ListOptions): Promise<number> {
  checkStatusFilter(options.status);
  const rows = await withSession(url, 'list', async (client) =>
    (await client.query<ListRow>('SELECT * FROM df.list_instances($1, $2, $3, $4)', [
      options.status ?? null, options.limit, options.label ?? null, options.after ?? null,
    ])).rows,
  );
  const next = rows[0]?.next_cursor ?? null;
  if (options.json) {
    const instances = rows.map((r) => ({
      id: r.instance_id,
      label: r.label,
      status: r.status,
      steps_run: Number(r.execution_count),
      created_at: r.created_at.toISOString(),
      completed_at: r.completed_at?.toISOString() ?? null,
      output: r.output,
    }));
    process.stdout.write(`${JSON.stringify({ instances, next_cursor: next }, null, 2)}\n`);
    return 0;
  }
  const p = palette();
  if (rows.length === 0) {
    process.stdout.write(options.after === undefined ? 'No instances.\n' : 'No more instances.\n');
    return 0;
  }
  const table: string[][] = [['ID', 'STATUS', 'STEPS', 'CREATED', 'TOOK', 'LABEL', 'OUTPUT']];
  for (const r of rows) {
    const took = r.completed_at === null ? '' : duration(r.completed_at.getTime() - r.created_at.getTime());
    table.push([r.instance_id, r.status, r.execution_count, localTime(r.created_at), took, r.label ?? '', r.output ?? '']);
  }
  // The output gets what the other columns leave of the line (a terminal's, else 160 columns).
  const before = table[0].slice(0, -1).map((_, i) => Math.max(...table.map((row) => Array.from(row[i]).length)) + 2);
  const room = Math.max(20, lineWidth() - before.reduce((a, b) => a + b, 0));
  for (const row of table.slice(1)) row[6] = oneLine(row[6], room);
  const paints = table.map((_, i) => (i === 0 ? table[0].map(() => p.bold) : [undefined, statusPaint(p, table[i][1])]));
  const lines = columns(table, paints);
  if (next !== null) lines.push(p.dim(`More: pg-durable list --after ${next}${filters(options)}`));
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function filters(o: ListOptions): string {
  const quote = (v: string) => (/^[\w.:-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  return [
    o.status === undefined ? '' : ` --status ${o.status}`,
    o.label === undefined ? '' : ` --label ${quote(o.label)}`,
    ` --limit ${o.limit}`,
  ].join('');
}

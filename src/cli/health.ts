// `pg-durable health`: df.health() as one aligned line per check (or, with --json, its rows as
// a JSON array), and an exit code to alert on: 0 all ok, 1 any warning, 2 any critical. What
// the lines cover is what the URL's role may see: its own lines, or every role's for a
// superuser or delegated administrator.
import pg from 'pg';
import { palette, type Palette } from './format.js';

export interface HealthLine {
  role: string;
  check_name: string;
  level: 'ok' | 'warning' | 'critical';
  detail: string;
}

const EXIT: Readonly<Record<string, number>> = { ok: 0, warning: 1, critical: 2 };

/** Prints the health report of the database at `url`; returns the process exit code. */
export async function health(url: string, options: { json: boolean }): Promise<number> {
  let lines: HealthLine[];
  try {
    lines = await readHealth(url);
  } catch (e) {
    // A check that cannot run is as bad as a critical one: an alert must not read it as "fine".
    process.stderr.write(`pg-durable health: cannot check health: ${(e as Error).message}\n`);
    return 2;
  }
  process.stdout.write(options.json ? `${JSON.stringify(lines)}\n` : render(lines, palette()));
  return exitCode(lines);
}

async function readHealth(url: string): Promise<HealthLine[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'pg-durable health' });
  await client.connect();
  try {
    const { rows } = await client.query<HealthLine>(
      'SELECT h.role, h.check_name, h.level, h.detail FROM df.health() h',
    );
    return rows;
  } finally {
    await client.end();
  }
}

/** The worst level's code; an unknown level counts as critical. */
export function exitCode(lines: readonly HealthLine[]): number {
  return lines.reduce((worst, l) => Math.max(worst, EXIT[l.level] ?? 2), 0);
}

/**
 * `role  check  level  detail`, columns aligned; the level in the palette's colour. Control
 * characters are shown escaped: a role's name is whatever its creator chose, and must not
 * reach the operator's terminal as escape sequences or extra lines.
 */
export function render(healthLines: readonly HealthLine[], p: Palette): string {
  const paint = { ok: p.green, warning: p.yellow, critical: p.red };
  if (healthLines.length === 0) return 'no role has workflows or workers yet\n';
  const lines = healthLines.map((l) => ({ ...l, role: printable(l.role), check_name: printable(l.check_name), detail: printable(l.detail) }));
  const width = (pick: (l: HealthLine) => string) => Math.max(...lines.map((l) => pick(l).length));
  const roleWidth = width((l) => l.role);
  const checkWidth = width((l) => l.check_name);
  const levelWidth = width((l) => l.level);
  return lines
    .map((l) => {
      const level = l.level.padEnd(levelWidth);
      const painted = (paint[l.level] ?? p.red)(level);
      return `${l.role.padEnd(roleWidth)}  ${l.check_name.padEnd(checkWidth)}  ${painted}  ${l.detail}\n`;
    })
    .join('');
}

function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}


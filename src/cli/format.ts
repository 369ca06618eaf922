// Terminal output shared by the monitoring commands: colours (only on a terminal, never
// with NO_COLOR set), durations, clipping to one line, and aligned columns.

export type Paint = (text: string) => string;

export interface Palette {
  enabled: boolean;
  green: Paint;
  red: Paint;
  yellow: Paint;
  dim: Paint;
  bold: Paint;
}

const sgr = (open: number, close: number): Paint => (text) => `\x1b[${open}m${text}\x1b[${close}m`;
const plain: Paint = (text) => text;

/** Colours when standard output is a terminal and NO_COLOR is not set (https://no-color.org). */
export function palette(stream: { isTTY?: boolean } = process.stdout): Palette {
  const enabled = stream.isTTY === true && process.env.NO_COLOR === undefined;
  if (!enabled) return { enabled, green: plain, red: plain, yellow: plain, dim: plain, bold: plain };
  return { enabled, green: sgr(32, 39), red: sgr(31, 39), yellow: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
}

/** The colour of a node or instance status (display statuses and instance statuses alike). */
export function statusPaint(p: Palette, status: string): Paint {
  switch (status) {
    case 'completed':
      return p.green;
    case 'failed':
      return p.red;
    case 'running':
      return p.yellow;
    case 'skipped':
    case 'cancelled':
    case 'pending':
      return p.dim;
    default:
      return plain;
  }
}

const GLYPH_STATUS: Readonly<Record<string, string>> = {
  '✓': 'completed', '✗': 'failed', '⏳': 'running', '○': 'pending', '⊘': 'skipped',
};

/**
 * Colours a df.explain text tree: the status glyph that ends a node's line, and the icon and
 * word of the `Status:` header line. Nothing else changes, so the text stays df.explain's.
 */
export function paintExplain(text: string, p: Palette): string {
  if (!p.enabled) return text;
  return text
    .split('\n')
    .map((line) => {
      const status = /^(Status:\s+)(\S+) (\w+)$/.exec(line);
      if (status) return status[1] + statusPaint(p, status[3])(`${status[2]} ${status[3]}`);
      const glyph = / (✓|✗|⏳|○|⊘)$/.exec(line);
      if (glyph) return line.slice(0, glyph.index + 1) + statusPaint(p, GLYPH_STATUS[glyph[1]])(glyph[1]);
      return line;
    })
    .join('\n');
}

/** 850ms, 12.3s, 4m 05s, 2h 03m, 3d 04h. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const total = Math.floor(s);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (total < 3600) return `${Math.floor(total / 60)}m ${pad(total % 60)}s`;
  if (total < 86400) return `${Math.floor(total / 3600)}h ${pad(Math.floor((total % 3600) / 60))}m`;
  return `${Math.floor(total / 86400)}d ${pad(Math.floor((total % 86400) / 3600))}h`;
}

/** One line of at most `limit` characters (by code point), whitespace collapsed, `…` marking a cut. */
export function oneLine(text: string, limit: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length <= limit ? chars.join('') : `${chars.slice(0, Math.max(0, limit - 1)).join('')}…`;
}

/** Local time as `YYYY-MM-DD HH:MM:SS`. */
export function localTime(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function columns(rows: readonly (readonly string[])[], paints: readonly (Paint | undefined)[][] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, Array.from(cell).length)));
  return rows.map((row, r) =>
    row
      .map((cell, i) => {
        const padded = i === row.length - 1 ? cell : cell + ' '.repeat(widths[i] - Array.from(cell).length);
        return (paints[r]?.[i] ?? plain)(padded);
      })
      .join('  ')
      .trimEnd(),
  );
}

/** Width available for one line of output: the terminal's, else a fixed 160 columns. */
export function lineWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  return stream.isTTY === true && stream.columns ? stream.columns : 160;
}

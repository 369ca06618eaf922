// `pg-durable watch ID`: follows an instance until it ends. On a terminal it redraws one
// screen every interval (status, progress, the steps running now, elapsed time and
// df.explain's tree); otherwise it prints the tree once and then one line per change; with
// --json one JSON object per change. --html FILE keeps a self-contained page of the instance
// current (rewritten in one step each interval; it reloads itself until the instance ends).
// Exit code: 0 completed, 3 failed, 4 cancelled (1 is an error of the command itself).
import type pg from 'pg';
import { readGraphNow, type Graph } from './explain.js';
import { duration, lineWidth, paintExplain, palette, type Palette } from './format.js';
import { pictureHtml } from './page.js';
import { inOneSnapshot, withSession, writeFileAtomically } from './session.js';
import { checkInstanceId, readSnapshot, TERMINAL, type Snapshot } from './snapshot.js';
import { instanceLines } from './status.js';

export interface WatchOptions {
  json: boolean;
  intervalMs: number;
  /** Keep this HTML page of the instance current. */
  html?: string;
}

export const WATCH_EXIT_CODES: Readonly<Record<string, number>> = { completed: 0, failed: 3, cancelled: 4 };

interface Frame {
  snapshot: Snapshot;
  /** df.explain's tree, without its header (the frame has its own, with progress). */
  tree: string;
  graph?: Graph;
}

export async function watch(url: string, id: string, options: WatchOptions): Promise<number> {
  checkInstanceId(id);
  const out = options.json ? new JsonOutput() : process.stdout.isTTY === true ? new ScreenOutput(options.intervalMs) : new LogOutput();
  return withSession(url, 'watch', async (client) => {
    for (;;) {
      const frame = await readFrame(client, id, options.html !== undefined);
      if (options.html !== undefined && frame.graph !== undefined) {
        writeFileAtomically(options.html, pictureHtml({ ...frame.graph, input: id, refreshSeconds: 1 }));
      }
      const done = TERMINAL.has(frame.snapshot.status);
      out.show(frame, done);
      if (done) return WATCH_EXIT_CODES[frame.snapshot.status];
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    }
  });
}

async function readFrame(client: pg.Client, id: string, withGraph: boolean): Promise<Frame> {
  return inOneSnapshot(client, async () => {
    const snapshot = await readSnapshot(client, id);
    const text = (await client.query<{ e: string }>('SELECT df.explain($1) AS e', [id])).rows[0].e;
    const graph = withGraph ? await readGraphNow(client, id) : undefined;
    const blank = text.indexOf('\n\n'); // df.explain's header ends with an empty line
    return { snapshot, tree: blank < 0 ? text : text.slice(blank + 2), graph };
  });
}

/** What changes a frame's meaning (not the clock): the instance's and every node's status. */
function changeKey(s: Snapshot): string {
  return `${s.status} ${s.nodes.map((n) => `${n.id}:${n.status}`).join(',')}`;
}

interface Output {
  show(frame: Frame, done: boolean): void;
}

/** A terminal: the whole screen redrawn in place, cut to the terminal's size. */
class ScreenOutput implements Output {
  private first = true;
  private readonly p: Palette = palette();

  constructor(private readonly intervalMs: number) {}

  show(frame: Frame, done: boolean): void {
    const width = lineWidth();
    const rows = process.stdout.rows || 0; // 0: size unknown
    const tree = paintExplain(frame.tree.split('\n').map((l) => cut(l, width)).join('\n'), this.p).split('\n');
    const title = `Every ${this.intervalMs / 1000}s: pg-durable watch ${frame.snapshot.id}`;
    let lines = [
      this.p.dim(done ? `pg-durable watch ${frame.snapshot.id}: ended` : `${title}   ${new Date().toLocaleTimeString()}`),
      '',
      ...instanceLines(frame.snapshot, this.p, { clipOutput: Math.max(20, width - 12) }),
      '',
      ...tree,
    ];
    // While it runs the frame must fit the screen to redraw in place; the last one stays whole.
    if (!done && rows >= 5 && lines.length > rows - 1) {
      const hidden = lines.length - (rows - 2);
      lines = [...lines.slice(0, rows - 2), this.p.dim(`… ${hidden} more lines (pg-durable explain ${frame.snapshot.id})`)];
    }
    // Home, each line then clear to its end, then clear below: no flicker, no leftovers.
    const clear = this.first ? '\x1b[2J' : '';
    this.first = false;
    process.stdout.write(`${clear}\x1b[H${lines.map((l) => `${l}\x1b[K`).join('\n')}\x1b[J${done ? '\n' : ''}`);
  }
}

/** Not a terminal: the tree once, then a line for each change, then how it ended. */
class LogOutput implements Output {
  private previous: Snapshot | null = null;
  private readonly p: Palette = palette();

  show(frame: Frame, done: boolean): void {
    const s = frame.snapshot;
    const lines: string[] = [];
    const before = this.previous;
    if (before === null) {
      lines.push(...instanceLines(s, this.p), '', frame.tree, '');
    } else {
      const was = new Map(before.nodes.map((n) => [n.id, n.status]));
      const at = `[${duration(s.elapsed_ms)}]`;
      for (const n of s.nodes) {
        if (n.type !== 'THEN' && was.get(n.id) !== n.status) lines.push(`${at} node ${n.id} ${n.status}: ${n.label}`);
      }
      if (before.status !== s.status) lines.push(`${at} instance ${s.status}`);
    }
    if (done) lines.push('', ...instanceLines(s, this.p));
    this.previous = s;
    if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
  }
}

/** --json: one object per line, each time something changed, the last one terminal. */
class JsonOutput implements Output {
  private last = '';

  show(frame: Frame, done: boolean): void {
    const key = changeKey(frame.snapshot);
    if (key === this.last && !done) return;
    this.last = key;
    process.stdout.write(`${JSON.stringify(frame.snapshot)}\n`);
  }
}

/** At most `width` characters (by code point), indentation kept. */
function cut(line: string, width: number): string {
  const chars = Array.from(line);
  return chars.length <= width ? line : `${chars.slice(0, width - 1).join('')}…`;
}

// The pictures `explain --format svg|html` and `watch --html` write: the SVG of the chart,
// and a one-file HTML page around it with the instance's status, progress and output. Both
// are self-contained (no script, no network: the machine that opens them may be offline).
import type { Chart } from './chart.js';
import { duration, oneLine } from './format.js';
import { progressText, TERMINAL, type Snapshot } from './snapshot.js';
import { renderSvg, xml } from './svg.js';

export interface PictureInput {
  chart: Chart;
  /** df.explain's Mermaid text, shown on the page for copying into Markdown. */
  mermaid: string;
  /** Present for an instance; absent for a dry run of an envelope or DSL text. */
  snapshot?: Snapshot;
  /** What was explained, for a dry run's title. */
  input: string;
  /** Seconds between reloads while the instance runs (watch --html); absent: a still page. */
  refreshSeconds?: number;
  now?: Date;
}

function title(p: PictureInput): string {
  const s = p.snapshot;
  if (s === undefined) return `pg_durable workflow (dry run): ${oneLine(p.input, 60)}`;
  return `pg_durable instance ${s.id}${s.label === null ? '' : ` (${s.label})`}: ${s.status}`;
}

function summary(s: Snapshot): [string, string][] {
  const rows: [string, string][] = [
    ['Status', s.status],
    ['Progress', progressText(s.steps)],
    ['Elapsed', duration(s.elapsed_ms)],
  ];
  if (s.current.length) rows.push(['Current', s.current.map((c) => `${c.label} (${duration(c.running_ms)})`).join('; ')]);
  if (s.result !== null) rows.push(['Result', JSON.stringify(s.result)]);
  if (s.error !== null) rows.push(['Error', s.error]);
  return rows;
}

export function pictureSvg(p: PictureInput): string {
  const caption = p.snapshot === undefined
    ? [title(p)]
    : [title(p), `${progressText(p.snapshot.steps)}; elapsed ${duration(p.snapshot.elapsed_ms)}`];
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderSvg(p.chart, title(p), caption).svg}\n`;
}

export function pictureHtml(p: PictureInput): string {
  const s = p.snapshot;
  const live = s !== undefined && !TERMINAL.has(s.status) && p.refreshSeconds !== undefined;
  const head = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    live ? `<meta http-equiv="refresh" content="${p.refreshSeconds}">` : '',
    `<title>${xml(title(p))}</title>`,
    `<style>${STYLE}</style>`,
  ].filter((l) => l !== '');
  const rows = s === undefined ? [['Input', p.input] as [string, string]] : summary(s);
  const statusClass = s === undefined ? '' : ` class="status-${xml(s.status)}"`;
  const written = `Written by pg-durable at ${(p.now ?? new Date()).toISOString()}` +
    (live ? `; this page reloads every ${p.refreshSeconds} s while the instance runs.` : '.');
  const body = [
    s === undefined
      ? '<h1>Workflow <small>dry run</small></h1>'
      : `<h1>Instance <code>${xml(s.id)}</code>${s.label === null ? '' : ` <small>${xml(s.label)}</small>`}</h1>`,
    `<dl id="summary"${statusClass}>`,
    ...rows.map(([k, v]) => `<dt>${xml(k)}</dt><dd data-field="${k.toLowerCase()}">${xml(v)}</dd>`),
    '</dl>',
    `<figure id="graph">${renderSvg(p.chart, title(p)).svg}</figure>`,
    `<details><summary>Mermaid source (df.explain … 'mermaid')</summary><pre>${xml(p.mermaid)}</pre></details>`,
    `<p class="note">${xml(written)}</p>`,
  ];
  return ['<!doctype html>', '<html lang="en">', '<head>', ...head, '</head>', '<body>', ...body, '</body>', '</html>', ''].join('\n');
}

const STYLE = [
  'body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#212529;background:#fff}',
  'h1{font-size:1.3em;margin:0 0 12px}h1 small{color:#868e96;font-weight:normal}',
  '#summary{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0 0 16px}',
  '#summary dt{color:#868e96}#summary dd{margin:0;font-family:ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}',
  '.status-completed dd[data-field=status]{color:#2b8a3e}.status-failed dd[data-field=status]{color:#c92a2a}',
  '.status-running dd[data-field=status]{color:#e67700}.status-cancelled dd[data-field=status],.status-pending dd[data-field=status]{color:#868e96}',
  '#graph{margin:0;overflow:auto;border:1px solid #dee2e6;border-radius:6px}',
  'pre{background:#f8f9fa;padding:8px;overflow:auto}.note{color:#868e96;font-size:.85em}',
].join('\n');

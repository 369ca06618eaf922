// `pg-durable explain ID|DSL`: df.explain's tree (text, full or Mermaid) of an instance, an
// envelope, DSL text or one statement; or a picture of it (a self-contained SVG or HTML page);
// or, with --json, the graph as nodes and edges.
import { writeFileSync } from 'node:fs';
import type pg from 'pg';
import { parseMermaid, type Chart } from './chart.js';
import { paintExplain, palette } from './format.js';
import { pictureHtml, pictureSvg } from './page.js';
import { inOneSnapshot, withSession } from './session.js';
import { INSTANCE_ID, readSnapshot, withoutNodes, type Snapshot } from './snapshot.js';

export const EXPLAIN_FORMATS = ['text', 'full', 'mermaid', 'svg', 'html'] as const;
export type ExplainFormat = (typeof EXPLAIN_FORMATS)[number];

export interface ExplainOptions {
  format: ExplainFormat;
  json: boolean;
  /** Write here instead of standard output. */
  output?: string;
}

export function checkExplainFormat(format: string): ExplainFormat {
  if (!(EXPLAIN_FORMATS as readonly string[]).includes(format)) {
    throw new Error(`--format must be one of ${EXPLAIN_FORMATS.join(', ')}; got '${format}'`);
  }
  return format as ExplainFormat;
}

export interface Graph {
  chart: Chart;
  mermaid: string;
  snapshot?: Snapshot;
}

/** The chart of `input` and, for an instance, its snapshot, read in one snapshot of the database. */
export async function readGraph(client: pg.Client, input: string): Promise<Graph> {
  return inOneSnapshot(client, () => readGraphNow(client, input));
}

/** readGraph inside a transaction the caller holds. */
export async function readGraphNow(client: pg.Client, input: string): Promise<Graph> {
  const mermaid = (await client.query<{ m: string }>(`SELECT df.explain($1, 'mermaid') AS m`, [input])).rows[0].m;
  const snapshot = INSTANCE_ID.test(input.trim()) ? await readSnapshot(client, input.trim()) : undefined;
  return { chart: parseMermaid(mermaid), mermaid, snapshot };
}

export async function explain(url: string, input: string, options: ExplainOptions): Promise<number> {
  const text = await withSession(url, 'explain', async (client) => {
    if (options.json) return `${JSON.stringify(graphJson(input, await readGraph(client, input)), null, 2)}\n`;
    switch (options.format) {
      case 'svg':
        return pictureSvg({ ...(await readGraph(client, input)), input });
      case 'html':
        return pictureHtml({ ...(await readGraph(client, input)), input });
      default: {
        const { rows } = await client.query<{ e: string }>('SELECT df.explain($1, $2) AS e', [input, options.format]);
        const tree = options.format === 'mermaid' || options.output !== undefined ? rows[0].e : paintExplain(rows[0].e, palette());
        return `${tree}\n`;
      }
    }
  });
  if (options.output === undefined) process.stdout.write(text);
  else writeFileSync(options.output, text);
  return 0;
}

/** `--json`: the graph df.explain draws, and for an instance its status and progress. */
export function graphJson(input: string, g: Graph): Record<string, unknown> {
  const types = new Map(g.snapshot?.nodes.map((n) => [n.id, n.type]));
  return {
    input,
    instance: g.snapshot === undefined ? null : withoutNodes(g.snapshot),
    // An instance's nodes also say their type (df.instance_nodes); a dry run's only their label.
    nodes: g.chart.nodes.map((n) => ({
      id: n.id, type: types.get(n.id) ?? null, label: n.label, status: n.status,
    })),
    edges: g.chart.edges,
  };
}

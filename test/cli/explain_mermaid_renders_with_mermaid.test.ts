// df.explain(…, 'mermaid') is drawn by Mermaid itself: the text of a live instance and of a
// dry run, loaded into the `mermaid` package's browser build in headless Chromium (no
// network), renders without a parse error, with one box per node of df.instance_nodes
// showing its label (and its status glyph when live) and one labelled edge per child.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { startWorkflow } from '../support/workflow.js';
import { waitFor } from '../support/slow-step.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
const MERMAID_JS = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');

// A THEN chain, an IF, a JOIN of three (a loop, a sleep, a signal wait), and labels that
// need Mermaid's entity codes (quotes, <, >, #). Once the sleep is over, the signal wait is
// the only work running: the IF's arms are completed and skipped, the last step pending.
const WORKFLOW = `('SELECT 1 AS a' |=> 'a')
  ~> df.if('SELECT $a >= 1', 'SELECT 2 < 3 AS yes', 'SELECT 0 AS no')
  ~> df.join3(df.loop('SELECT 4 AS lap' ~> df.break('"done"')), df.sleep(1), df.wait_for_signal('go', 300))
  ~> 'SELECT ''#last'' AS tag'`;
const OWN_LABELS: Readonly<Record<string, string>> = {
  THEN: 'THEN', IF: 'IF', JOIN: 'JOIN (3)', LOOP: 'LOOP (infinite)', BREAK: `BREAK '"done"'`, SLEEP: 'SLEEP 1s',
  SIGNAL: `SIGNAL 'go' (300s)`,
};
const GLYPHS: Readonly<Record<string, string>> = { completed: '✓', failed: '✗', running: '⏳', pending: '○', skipped: '⊘' };
const ROLES = ['body', 'branch 1', 'branch 2', 'branch 3', 'condition', 'else', ...Array<string>(4).fill('first'), ...Array<string>(4).fill('next'), 'then'];

// The page renders with the package's own API; renderChart answers null or Mermaid's error.
const PAGE = `<!doctype html><meta charset="utf-8"><title>mermaid</title><body><div id="chart"></div>
<script src="${pathToFileURL(MERMAID_JS).href}"></script>
<script>
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
  let renders = 0;
  window.renderChart = async (text) => {
    const chart = document.getElementById('chart');
    chart.innerHTML = '';
    try {
      chart.innerHTML = (await mermaid.render('chart' + ++renders, text)).svg;
      return null;
    } catch (e) {
      return String((e && e.message) || e);
    }
  };
</script>`;

interface NodeRow { node_id: number; node_type: string; query: string | null; result_name: string | null;
  left_node: number | null; right_node: number | null; inferred_status: string }
interface Drawn { id: number; text: string; box: { x: number; y: number; width: number; height: number } }

let fx: EngineFixture;
let browser: BrowserContext;
let pageFile: string;
let id: string;
let nodes: NodeRow[];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium package`);
  const dir = mkdtempSync(join(tmpdir(), 'pgd-mermaid-'));
  pageFile = join(dir, 'mermaid.html');
  writeFileSync(pageFile, PAGE);
  browser = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: ARGS });
  fx = await engineFixture('cli_mermaid');
  await fx.startWorkers(2);
  id = await startWorkflow(fx, `${WORKFLOW}, 'mermaid check'`);
  await waitFor('the signal wait alone running', async () => {
    nodes = (await fx.user.query<NodeRow>(
      `SELECT node_id, node_type, query, result_name, left_node, right_node, inferred_status FROM df.instance_nodes($1)`, [id],
    )).rows;
    const status = (type: string): string | undefined => nodes.find((n) => n.node_type === type)?.inferred_status;
    return status('SIGNAL') === 'running' && status('SLEEP') === 'completed' && status('LOOP') === 'completed';
  });
});
afterAll(async () => {
  if (id !== undefined) await fx.value('SELECT df.cancel($1)', [id]);
  await browser?.close();
  await fx?.close();
});

/** Renders `text` with Mermaid in a fresh page that fetches nothing but local files; gives Mermaid's error or null. */
async function render(text: string): Promise<{ page: Page; error: string | null }> {
  const page = await browser.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(pageFile).href, { waitUntil: 'load' });
  const error = await page.evaluate(
    (t) => (globalThis as unknown as { renderChart(text: string): Promise<string | null> }).renderChart(t), text,
  );
  expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
  return { page, error };
}

/** The boxes Mermaid drew, by the node id of df.explain's `n<id>`. */
async function drawnNodes(page: Page): Promise<Drawn[]> {
  const drawn: Drawn[] = [];
  for (const g of await page.locator('#chart svg g.node').all()) {
    const match = /-flowchart-n(\d+)-\d+$/.exec((await g.getAttribute('id')) ?? '');
    expect(match, `a box Mermaid drew for no df.explain node: ${await g.getAttribute('id')}`).not.toBeNull();
    await expect.poll(() => g.isVisible()).toBe(true);
    drawn.push({ id: Number(match![1]), text: ((await g.textContent()) ?? '').trim(), box: (await g.boundingBox())! });
  }
  return drawn.sort((a, b) => a.id - b.id);
}

/** The edges Mermaid drew, as [from, to] node ids, each a visible path. */
async function drawnEdges(page: Page): Promise<Array<[number, number]>> {
  const edges: Array<[number, number]> = [];
  for (const path of await page.locator('#chart svg path.flowchart-link').all()) {
    const match = /-L_n(\d+)_n(\d+)_\d+$/.exec((await path.getAttribute('id')) ?? '');
    expect(match, `an edge between no df.explain nodes: ${await path.getAttribute('id')}`).not.toBeNull();
    expect(await path.getAttribute('d')).toMatch(/^M/);
    edges.push([Number(match![1]), Number(match![2])]);
  }
  return edges;
}

const labelOf = (n: NodeRow): string =>
  (n.node_type === 'SQL' ? `SQL: ${n.query}` : OWN_LABELS[n.node_type]) + (n.result_name === null ? '' : ` |=> '${n.result_name}'`);

/** One box per node with exactly its label, no two boxes overlapping, and one labelled edge into every node but the root. */
async function expectTheTree(page: Page, label: (n: NodeRow) => string): Promise<void> {
  const drawn = await drawnNodes(page);
  expect(drawn.map((d) => [d.id, d.text])).toEqual(nodes.map((n) => [n.node_id, label(n)]));
  for (const [i, a] of drawn.entries()) {
    for (const { box: b } of drawn.slice(i + 1)) {
      expect(a.box.x + a.box.width <= b.x || b.x + b.width <= a.box.x || a.box.y + a.box.height <= b.y || b.y + b.height <= a.box.y).toBe(true);
    }
  }
  const edges = await drawnEdges(page);
  expect(edges.map(([, to]) => to).sort((a, b) => a - b)).toEqual(nodes.slice(1).map((n) => n.node_id));
  for (const n of nodes) {
    for (const child of [n.left_node, n.right_node]) if (child !== null) expect(edges).toContainEqual([n.node_id, child]);
  }
  const roles = await page.locator('#chart svg g.edgeLabel').allTextContents();
  expect(roles.map((r) => r.trim()).sort()).toEqual(ROLES);
}

describe("df.explain(…, 'mermaid') in Mermaid", () => {
  it('renders a live instance with every node of df.instance_nodes, its label and its status glyph', async () => {
    expect(nodes).toHaveLength(16);
    expect(new Set(nodes.map((n) => n.inferred_status))).toEqual(new Set(['completed', 'running', 'pending', 'skipped']));
    const { page, error } = await render(await fx.value<string>(`SELECT df.explain($1, 'mermaid')`, [id]));
    expect(error).toBeNull();
    await expectTheTree(page, (n) => `${labelOf(n)} ${GLYPHS[n.inferred_status]}`);
    await page.close();
  });

  it('renders the dry run of the DSL text, the same boxes without statuses', async () => {
    const { page, error } = await render(await fx.value<string>(`SELECT df.explain($1, 'mermaid')`, [WORKFLOW]));
    expect(error).toBeNull();
    await expectTheTree(page, labelOf);
    await page.close();
  });

  it('fails on a broken chart, so that a render error would show', async () => {
    const text = await fx.value<string>(`SELECT df.explain($1, 'mermaid')`, [id]);
    const { page, error } = await render(text.replace('"]', '"')); // the first box left open
    expect(error).toMatch(/^Parse error on line \d+:/);
    expect(await page.locator('#chart svg g.node').count()).toBe(0);
    await page.close();
  });
});

// The picture of a live instance, opened in a real headless browser (Debian's Chromium,
// driven by playwright-core): `explain ID --format html|svg` writes a self-contained file
// that loads without the network and shows every node of df.instance_nodes with its status;
// `watch ID --html FILE` keeps such a page current until the instance ends.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { startWorkflow } from '../support/workflow.js';
import { waitFor } from '../support/slow-step.js';
import { runCli, startCli } from './run-cli.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
// Every status there is, at once: completed steps, a running wait, pending work, a skipped arm.
const WORKFLOW = `('SELECT 1 AS a' |=> 'a')
  ~> df.join(df.wait_for_signal('go', 300), df.if('SELECT true', 'SELECT 3', 'SELECT 4'))
  ~> df.race(df.sleep(300), 'SELECT 5 AS five'), 'pictured'`;

let fx: EngineFixture;
let browser: BrowserContext;
let dir: string;

interface NodeRow { node_id: number; node_type: string; query: string | null; inferred_status: string }

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium package`);
  dir = mkdtempSync(join(tmpdir(), 'pgd-picture-'));
  browser = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: ARGS });
  fx = await engineFixture('cli_picture');
  await fx.startWorkers(2);
});
afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

async function nodesOf(id: string): Promise<NodeRow[]> {
  return (await fx.user.query<NodeRow>('SELECT node_id, node_type, query, inferred_status FROM df.instance_nodes($1)', [id])).rows;
}

async function startWaiting(): Promise<string> {
  const id = await startWorkflow(fx, WORKFLOW);
  await waitFor('the signal wait and the IF', async () => {
    const rows = await nodesOf(id);
    return rows.some((n) => n.node_type === 'SIGNAL' && n.inferred_status === 'running')
      && rows.some((n) => n.node_type === 'IF' && n.inferred_status === 'completed');
  });
  return id;
}

/** Opens `file` in the browser; fails if the page asks for anything but itself. */
async function open(file: string): Promise<Page> {
  const page = await browser.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
  return page;
}

/** Every node of the instance is drawn, visible, with its label and its status in words. */
async function expectEveryNode(page: Page, nodes: NodeRow[]): Promise<void> {
  expect(await page.locator('g.node').count()).toBe(nodes.length);
  const boxes: { x: number; y: number; width: number; height: number }[] = [];
  for (const n of nodes) {
    const g = page.locator(`g.node[data-node-id="${n.node_id}"]`);
    await expect.poll(() => g.isVisible()).toBe(true);
    expect(await g.getAttribute('data-status')).toBe(n.inferred_status);
    expect((await g.locator('text.status').textContent())?.endsWith(` ${n.inferred_status}`)).toBe(true);
    const label = (await g.locator('text.label').textContent()) ?? '';
    expect(label).toContain(n.node_type === 'SQL' ? n.query : n.node_type);
    boxes.push((await g.locator('rect').boundingBox())!);
  }
  // No box hides another.
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      expect(apart).toBe(true);
    }
  }
}

describe('explain --format html', () => {
  it('writes one self-contained page that shows every node of a live instance with its status', async () => {
    const id = await startWaiting();
    const file = join(dir, `${id}.html`);
    const r = await runCli(['explain', id, '--format', 'html', '--output', file, '--url', fx.url]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script|<link|src=|@import|url\((?!#)/); // nothing to fetch, nothing to run
    expect(html).not.toContain('http-equiv="refresh"'); // a still picture

    const page = await open(file);
    expect(await page.title()).toBe(`pg_durable instance ${id} (pictured): running`);
    expect(await page.locator('dd[data-field=status]').textContent()).toBe('running');
    expect(await page.locator('dd[data-field=progress]').textContent()).toBe('4/7 steps (3 completed, 1 skipped), 1 running, 2 pending');
    const nodes = await nodesOf(id);
    expect(new Set(nodes.map((n) => n.inferred_status))).toEqual(new Set(['completed', 'running', 'pending', 'skipped']));
    await expectEveryNode(page, nodes);
    expect(await page.locator('details pre').textContent()).toBe(await fx.value<string>(`SELECT df.explain($1, 'mermaid')`, [id]));
    await page.close();
    await fx.value('SELECT df.cancel($1)', [id]);
  });
});

describe('explain --format svg', () => {
  it('writes an SVG that a browser shows with every node and its status', async () => {
    const id = await startWaiting();
    const file = join(dir, `${id}.svg`);
    expect((await runCli(['explain', id, '--format', 'svg', '-o', file, '--url', fx.url])).code).toBe(0);
    const page = await open(file);
    await expectEveryNode(page, await nodesOf(id));
    expect(await page.locator('text.caption').first().textContent()).toBe(`pg_durable instance ${id} (pictured): running`);
    await page.close();
    await fx.value('SELECT df.cancel($1)', [id]);
  });
});

describe('watch --html', () => {
  it('keeps the page current while the instance runs, and leaves the final picture', async () => {
    const id = await startWaiting();
    const file = join(dir, `watch-${id}.html`);
    const watching = startCli(['watch', id, '--html', file, '--interval', '0.2', '--url', fx.url]);
    await waitFor('the page', async () => existsSync(file));

    const live = await open(file);
    expect(await live.locator('meta[http-equiv=refresh]').getAttribute('content')).toBe('1');
    await expectEveryNode(live, await nodesOf(id));
    await live.close();

    await fx.value(`SELECT df.signal($1, 'go')`, [id]);
    expect((await watching.done).code).toBe(0);
    const done = await open(file);
    expect(await done.locator('meta[http-equiv=refresh]').count()).toBe(0);
    expect(await done.locator('dd[data-field=status]').textContent()).toBe('completed');
    expect(await done.locator('dd[data-field=result]').textContent()).toBe('{"rows":[{"five":5}],"row_count":1}');
    const nodes = await nodesOf(id);
    expect(nodes.find((n) => n.query === 'SELECT 5 AS five')?.inferred_status).toBe('completed');
    await expectEveryNode(done, nodes);
    await done.close();
  });
});

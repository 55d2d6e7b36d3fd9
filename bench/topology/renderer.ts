// Part 2 of the topology benchmark: the renderer's cluster map in headless
// Chromium. The harness page (index.html + main.ts here) is bundled with Vite
// as the app is, served from a temp dir, and driven with Playwright; the page
// times itself (performance.now, requestAnimationFrame) and answers the figures.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright';
import { build } from 'vite';
import { formatMs, median } from '../stats.js';
import type { TopologyDiff, TopologySnapshot } from '../../src-main/contract.js';
import { NOW } from './swarm.js';

export type RendererFigures =
  { ok: true; firstRender: number[]; eventToDom: number[]; heapBytes: number[]; notes: string[] } | { ok: false; reason: string };

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(HERE, '../..');
/** The map under test; without it the renderer part is reported as not done. */
const MAP_COMPONENT = join(ROOT, 'src-renderer/src/screens/cluster/ClusterMap.svelte');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const VIEWPORT = { width: 1440, height: 900 };

declare global {
  interface Window {
    __snapshot?: string;
  }
}

async function bundle(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: HERE,
    base: './',
    logLevel: 'warn',
    plugins: [svelte({ configFile: join(ROOT, 'svelte.config.js') })],
    build: { outDir, emptyOutDir: true, minify: true, rolldownOptions: { input: join(HERE, 'index.html') } },
  });
}

function serveStatic(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path === '/' ? 'index.html' : path);
    readFile(file)
      .then((body) => res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body))
      .catch(() => res.writeHead(404).end());
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` })),
  );
}

async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

export async function measureRenderer(
  snapshot: TopologySnapshot,
  diffs: readonly TopologyDiff[],
  runs: number,
  dir: string,
  say: (line: string) => void,
): Promise<RendererFigures> {
  if (!existsSync(MAP_COMPONENT)) return { ok: false, reason: `no map component at ${MAP_COMPONENT.slice(ROOT.length + 1)}` };
  const outDir = join(dir, 'harness');
  try {
    await bundle(outDir);
  } catch (err) {
    return { ok: false, reason: `the harness does not build: ${(err as Error).message.split('\n')[0]}` };
  }
  const { server, url } = await serveStatic(outDir);
  const browser = await chromium.launch({
    executablePath: process.env.SWARMDECK_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const figures = { firstRender: [] as number[], eventToDom: [] as number[], heapBytes: [] as number[] };
  const parts = { parse: [] as number[], model: [] as number[], mount: [] as number[], feed: [] as number[] };
  const snapshotJson = JSON.stringify(snapshot);
  const diffJsons = diffs.map((d) => JSON.stringify(d));
  const errors: string[] = [];
  const version = browser.version();
  let facts = { cards: 0, domNodes: 0, baseHeap: 0, serviceRows: 0, tasksHeld: 0, target: '' };
  try {
    // A fresh page per run: each first render starts cold, as opening the cluster screen does.
    for (let run = 0; run < runs; run++) {
      const page = await browser.newPage({ viewport: VIEWPORT });
      page.on('pageerror', (err) => errors.push(err.message));
      await page.goto(url);
      await page.waitForFunction(() => window.__bench !== undefined);
      const baseHeap = await heapAfterGc(page);
      await page.evaluate((json) => void (window.__snapshot = json), snapshotJson);
      const first = await page.evaluate((now) => {
        const json = window.__snapshot!;
        delete window.__snapshot;
        return window.__bench!.render(json, now);
      }, NOW);
      figures.firstRender.push(first.ms);
      parts.parse.push(first.parseMs);
      parts.model.push(first.modelMs);
      parts.mount.push(first.mountMs);
      // Each run applies the core's diffs in order (versions 2, 3, …); the median of all is the figure.
      let target = '';
      for (const json of diffJsons) {
        const event = await page.evaluate((d) => window.__bench!.applyDiff(d), json);
        figures.eventToDom.push(event.ms);
        parts.feed.push(event.feedMs);
        target = event.target;
      }
      figures.heapBytes.push(await heapAfterGc(page));
      const counts = await page.evaluate(() => window.__bench!.counts());
      facts = { ...counts, baseHeap, target };
      say(`run ${run + 1}: first render ${first.ms.toFixed(0)} ms, ${counts.cards} cards, ${counts.domNodes} DOM nodes`);
      await page.close();
    }
  } catch (err) {
    return { ok: false, reason: `${(err as Error).message.split('\n')[0]}${errors.length ? ` (page: ${errors[0]})` : ''}` };
  } finally {
    await browser.close();
    server.close();
  }
  const mb = (b: number): string => `${(b / 1024 ** 2).toFixed(0)} MB`;
  return {
    ok: true,
    ...figures,
    notes: [
      `Renderer: Chromium ${version}, ${VIEWPORT.width}×${VIEWPORT.height}; the map put ${facts.cards} node cards and ` +
        `${facts.serviceRows} service rows in the DOM (${facts.domNodes} elements). Heap of the empty harness page: ${mb(facts.baseHeap)}; the measured heap holds the model (${facts.tasksHeld} tasks).`,
      `First render, medians: JSON.parse of the snapshot ${formatMs(median(parts.parse))}, model + index (TopologyFeed.snapshot) ` +
        `${formatMs(median(parts.model))}, Svelte mount ${formatMs(median(parts.mount))}; the rest is style, layout and the two frames.`,
      `Diff → DOM: the core's ${diffs.length} re-read diffs applied in turn on each of the ${runs} pages (${figures.eventToDom.length} in all), ` +
        `timed to the changed replica count in the side list (e.g. ${facts.target}) and the frame that paints it; ` +
        `of which TopologyFeed.diffs (applyDiffs + updateIndex) ${formatMs(median(parts.feed))}. In the app the TopologyStore adds its batching window (at most 16 ms, one frame) before this.`,
      ...(errors.length > 0 ? [`Page errors: ${errors.slice(0, 3).join('; ')}`] : []),
    ],
  };
}

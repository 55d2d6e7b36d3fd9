// The topology benchmark's page: the real cluster map (ClusterMap.svelte) fed
// by the real TopologyFeed (applyDiffs + the incremental index), without the
// transport. It times itself and answers through `window.__bench`.
import { mount } from 'svelte';
import type { TopologyDiff, TopologySnapshot } from '../../src-main/contract.js';
import { TopologyFeed } from '../../src-renderer/src/lib/topology/feed.js';
import '../../src-renderer/src/styles/global.css';
import Harness from './Harness.svelte';

export interface BenchApi {
  /** JSON.parse of the snapshot (as the web mode's transport does), model + index, mount → two frames with the cards in the DOM. */
  render(snapshotJson: string, now: number): Promise<{ ms: number; parseMs: number; modelMs: number; mountMs: number; cards: number }>;
  /** One diff: parse, feed (model + index), map update → the changed service's replica count in the side list → the painted frame. */
  applyDiff(diffJson: string): Promise<{ ms: number; feedMs: number; target: string }>;
  counts(): { cards: number; serviceRows: number; domNodes: number; tasksHeld: number };
}

declare global {
  interface Window {
    __bench?: BenchApi;
  }
}

const ROW = 86; // ServiceList's row height
const frame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => resolve()));
/** After the next frame's rendering steps: a task queued from its animation-frame callback. */
const painted = (): Promise<void> =>
  new Promise((resolve) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    }),
  );

let feed: TopologyFeed | null = null;
let app: { setView(view: NonNullable<TopologyFeed['view']>): void } | null = null;

function serviceRow(name: string): HTMLElement | null {
  for (const button of document.querySelectorAll<HTMLElement>('section.services li button.name'))
    if (button.textContent?.trim() === name) return button.closest('li');
  return null;
}

/** Resolves once `check` holds, looking after every DOM mutation under `root` (and at once). */
function when(root: Element, check: () => boolean, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => (observer.disconnect(), reject(new Error('the DOM did not change within 5 s'))), timeoutMs);
    const observer = new MutationObserver(() => {
      if (!check()) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve();
    });
    observer.observe(root, { subtree: true, childList: true, characterData: true });
  });
}

window.__bench = {
  async render(snapshotJson, now) {
    const target = document.getElementById('app')!;
    const t0 = performance.now();
    const snapshot = JSON.parse(snapshotJson) as TopologySnapshot;
    const t1 = performance.now();
    feed = new TopologyFeed(snapshot.clusterId);
    feed.snapshot(snapshot);
    const t2 = performance.now();
    app = mount(Harness, { target, props: { view: feed.view!, now } }) as unknown as NonNullable<typeof app>;
    const t3 = performance.now();
    await frame();
    await frame();
    const cards = document.querySelectorAll('[data-node-id]').length;
    if (cards === 0) throw new Error('no node card in the DOM two frames after mount');
    return { ms: performance.now() - t0, parseMs: t1 - t0, modelMs: t2 - t1, mountMs: t3 - t2, cards };
  },

  async applyDiff(diffJson) {
    if (!feed?.view || !app) throw new Error('render first');
    // Not timed: pick a service whose replica count this diff changes, and scroll the side list to it.
    const peek = JSON.parse(diffJson) as TopologyDiff;
    const { model, index } = feed.view;
    const changed = (peek.services?.upsert ?? []).find((s) => {
      const before = model.services.get(s.id);
      return before !== undefined && (before.running !== s.running || before.desired !== s.desired);
    });
    if (!changed) throw new Error(`diff ${peek.version} changes no service's replica count`);
    const scroller = document.querySelector<HTMLElement>('section.services .scroller');
    if (!scroller) throw new Error('no service list');
    scroller.scrollTop = Math.max(0, index.serviceOrder.indexOf(changed.id) * ROW - 2 * ROW);
    scroller.dispatchEvent(new Event('scroll'));
    await frame();
    await frame();
    const row = serviceRow(changed.name);
    if (!row) throw new Error(`${changed.name} is not in the side list after scrolling to it`);
    const replicas = (): string => serviceRow(changed.name)?.querySelector('.replicas')?.textContent ?? '';
    const expected = `${changed.running}/${changed.desired}`;
    if (replicas().includes(expected)) throw new Error(`${changed.name} shows ${expected} already`);

    const t0 = performance.now();
    const diff = JSON.parse(diffJson) as TopologyDiff;
    const result = feed.diffs([diff]);
    if (result !== 'ok' || !feed.view) throw new Error(`the feed answered ${result}`);
    app.setView(feed.view);
    const feedMs = performance.now() - t0;
    await when(row.parentElement ?? document.body, () => replicas().includes(expected));
    await painted();
    return { ms: performance.now() - t0, feedMs, target: `${changed.name} ${expected}` };
  },

  counts() {
    return {
      cards: document.querySelectorAll('[data-node-id]').length,
      serviceRows: document.querySelectorAll('section.services li').length,
      domNodes: document.getElementsByTagName('*').length,
      tasksHeld: feed?.view?.model.tasks.size ?? 0,
    };
  },
};

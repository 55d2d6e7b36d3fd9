import { describe, expect, it } from 'vitest';
import { chipLook, chipsFor, serviceHue } from './chips.js';
import { filterTopology, networkReach } from './filter.js';
import { buildView } from './indexes.js';
import { fromSnapshot } from './model.js';
import { SYNTHETIC_NOW, syntheticSnapshot } from './synthetic.js';
import { scrollToRow, virtualWindow } from './virtual.js';

const snapshot = syntheticSnapshot({ nodes: 30, services: 40, tasks: 400, seed: 11 });
const view = buildView(fromSnapshot(snapshot));
const names = (ids: ReadonlySet<string> | null, of: 'nodes' | 'services') =>
  [...(ids ?? [])].map((id) => (of === 'nodes' ? view.model.nodes.get(id)!.hostname : view.model.services.get(id)!.name)).sort();

describe('the filter', () => {
  it('keeps everything when empty', () => {
    expect(filterTopology(view, '  ')).toEqual({ nodes: null, services: null });
  });

  it('by service name keeps the service and the nodes its tasks run on', () => {
    const service = snapshot.services[5]!;
    const result = filterTopology(view, service.name.toUpperCase());
    expect(names(result.services, 'services')).toContain(service.name);
    const onNodes = new Set(
      snapshot.tasks.filter((t) => t.serviceId === service.id && t.desiredState === 'running' && t.nodeId).map((t) => t.nodeId),
    );
    expect(result.nodes).toEqual(onNodes);
  });

  it('by hostname keeps the node and the services running on it', () => {
    const result = filterTopology(view, 'worker12');
    expect(names(result.nodes, 'nodes')).toEqual(['worker12']);
    const node = snapshot.nodes.find((n) => n.hostname === 'worker12')!;
    for (const id of result.services ?? []) expect(snapshot.tasks.some((t) => t.serviceId === id && t.nodeId === node.id)).toBe(true);
  });

  it('by label key=value and by task state', () => {
    const zoneB = filterTopology(view, 'zone=b');
    expect([...(zoneB.nodes ?? [])].every((id) => view.model.nodes.get(id)!.labels.zone === 'b')).toBe(true);
    expect(zoneB.nodes!.size).toBe(snapshot.nodes.filter((n) => n.labels.zone === 'b').length);
    const failed = filterTopology(view, 'failed');
    expect(failed.services!.size).toBe(new Set(snapshot.tasks.filter((t) => t.state === 'failed').map((t) => t.serviceId)).size);
  });
});

describe('network reach', () => {
  it('counts services on a shared overlay network as reachable, and ignores the ingress network', () => {
    const service = snapshot.services.find((s) => s.ports.length > 0) ?? snapshot.services[3]!;
    const reach = networkReach(view, service.id);
    const ingress = snapshot.networks.find((n) => n.ingress)!.id;
    expect(reach.networks).not.toContain(ingress);
    for (const id of reach.reachable) expect(view.model.services.get(id)!.networks.some((n) => reach.networks.includes(n))).toBe(true);
    for (const id of reach.unreachable) expect(view.model.services.get(id)!.networks.some((n) => reach.networks.includes(n))).toBe(false);
    expect(reach.reachable.length + reach.unreachable.length).toBe(snapshot.services.length - 1);
  });
});

describe('task chips', () => {
  it('show scheduled tasks and recent failures, capped, with the rest counted', () => {
    const now = SYNTHETIC_NOW;
    const base = snapshot.tasks[0]!;
    const tasks = [
      ...Array.from({ length: 70 }, (_, i) => ({ ...base, id: `r${i}`, slot: i + 1, state: 'running', desiredState: 'running' })),
      { ...base, id: 'old', state: 'shutdown', desiredState: 'shutdown' },
      { ...base, id: 'crash', state: 'failed', desiredState: 'shutdown', updatedAt: new Date(now - 60_000).toISOString() },
      { ...base, id: 'ancient', state: 'failed', desiredState: 'shutdown', updatedAt: new Date(now - 86_400_000).toISOString() },
    ];
    const shown = chipsFor(tasks, view.model.services, { showStopped: false, now });
    expect(shown.chips).toHaveLength(60);
    expect(shown.more).toBe(11);
    expect(chipsFor(tasks, view.model.services, { showStopped: true, now }).more).toBe(13);
    expect(chipsFor(tasks.slice(70), view.model.services, { showStopped: false, now }).chips.map((t) => t.id)).toEqual(['crash']);
  });

  it('look by state, coloured by a hash of the service ID', () => {
    expect(['running', 'starting', 'failed', 'shutdown'].map(chipLook)).toEqual(['running', 'waiting', 'failed', 'stopped']);
    expect(serviceHue('abc')).toBe(serviceHue('abc'));
    expect(serviceHue('abc')).not.toBe(serviceHue('abd'));
  });
});

describe('the virtual window', () => {
  it('renders the rows in view plus an overscan', () => {
    const w = virtualWindow({ count: 500, width: 1200, minColumnWidth: 270, gap: 12, rowHeight: 250, scrollTop: 2500, viewport: 800 });
    expect(w.columns).toBe(4);
    expect(w.rows).toBe(125);
    expect(w.start).toBe(8 * 4);
    expect(w.end).toBe(16 * 4);
    expect(w.offset).toBe(8 * 250);
    expect(scrollToRow(30, 250, 2500, 800)).toBe(31 * 250 - 800);
    expect(scrollToRow(11, 250, 2500, 800)).toBeNull();
  });
});

import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { viewFromSnapshot } from '../../lib/topology/feed.js';
import { SYNTHETIC_NOW, syntheticSnapshot } from '../../lib/topology/synthetic.js';
import ClusterMap from './ClusterMap.svelte';

// The map given a model directly: a synthetic swarm at the size the app must stay fluid at.
const big = syntheticSnapshot({ nodes: 500, services: 2000, tasks: 20_000, seed: 42 });
const bigView = viewFromSnapshot(big);
afterEach(() => cleanup());

function cards(): HTMLElement[] {
  return within(screen.getByRole('feed', { name: 'Nodes' })).getAllByRole('article');
}

describe('the cluster map at 500 nodes, 2,000 services and 20,000 tasks', () => {
  it('renders, with far fewer cards and service rows in the DOM than the swarm has', () => {
    const started = performance.now();
    const { container } = render(ClusterMap, { view: bigView, now: SYNTHETIC_NOW });
    const elapsed = performance.now() - started;
    const inDom = cards();
    expect(inDom.length).toBeGreaterThan(0);
    expect(inDom.length).toBeLessThanOrEqual(40);
    // Managers first, the leader first of all.
    expect(inDom[0]).toHaveAccessibleName('manager1');
    expect(within(inDom[0]!).getByText('Leader')).toBeInTheDocument();
    expect(inDom[0]).toHaveAttribute('aria-setsize', '500');
    const services = screen.getByRole('list', { name: 'Services' });
    expect(within(services).getAllByRole('listitem').length).toBeLessThanOrEqual(20);
    // Chips are capped per card, and the whole page stays small.
    for (const card of inDom) expect(within(card).queryAllByRole('img').length).toBeLessThanOrEqual(60);
    expect(container.querySelectorAll('*').length).toBeLessThan(6000);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('filters by hostname, by service name, by label and by task state', async () => {
    render(ClusterMap, { view: bigView, now: SYNTHETIC_NOW });
    const filter = screen.getByRole('searchbox', { name: 'Filter' });

    await fireEvent.input(filter, { target: { value: 'worker321' } });
    expect(cards().map((c) => c.getAttribute('aria-labelledby') && c.querySelector('h3')?.textContent)).toEqual(['worker321']);
    expect(screen.getByText(/^1 of 500 nodes and \d+ of 2,000 services match\.$/)).toBeInTheDocument();

    // A name no other service's name contains, so that it matches one service only.
    const service = big.services.find((s) => s.mode === 'replicated' && !big.services.some((o) => o !== s && o.name.includes(s.name)))!;
    await fireEvent.input(filter, { target: { value: service.name } });
    const services = within(screen.getByRole('list', { name: 'Services' }));
    expect(services.getByRole('button', { name: service.name })).toBeInTheDocument();
    const hosts = new Set(
      big.tasks.filter((t) => t.serviceId === service.id && t.desiredState === 'running' && t.nodeId).map((t) => t.nodeId),
    );
    expect(cards()).toHaveLength(hosts.size);
    for (const card of cards()) expect(hosts.has(card.dataset.nodeId ?? '')).toBe(true);

    await fireEvent.input(filter, { target: { value: 'gpu=true' } });
    for (const card of cards()) expect(within(card).getByText('gpu=true')).toBeInTheDocument();

    await fireEvent.input(filter, { target: { value: 'no-such-thing' } });
    expect(screen.getByText('No node matches the filter.')).toBeInTheDocument();
    expect(screen.getByText('No service matches the filter.')).toBeInTheDocument();
  });
});

describe('the cluster map, small', () => {
  const small = syntheticSnapshot({ nodes: 8, managers: 3, services: 6, tasks: 40, seed: 5 });
  const view = viewFromSnapshot(small);

  it('moves between cards with the arrow keys and opens a node’s details with Enter', async () => {
    render(ClusterMap, { view, now: SYNTHETIC_NOW });
    const [first, second] = cards();
    first!.focus();
    await fireEvent.keyDown(first!, { key: 'ArrowRight' });
    await waitFor(() => expect(second).toHaveFocus());
    await fireEvent.keyDown(second!, { key: 'Enter' });
    const details = await screen.findByRole('region', { name: 'Details' });
    const heading = within(details).getByRole('heading', { level: 2, name: 'manager2' });
    await waitFor(() => expect(heading).toHaveFocus());
    const actions = within(details).getByRole('group', { name: 'Actions for manager2' });
    for (const name of ['Drain', 'Pause', 'Activate', 'Demote']) expect(within(actions).getByRole('button', { name })).toBeInTheDocument();
    expect(within(actions).getByRole('button', { name: 'Drain' })).toBeDisabled();
    await fireEvent.click(within(actions).getByRole('button', { name: 'Activate' }));
    const dialog = screen.getByRole('dialog', { name: 'Activate manager2?' });
    expect(dialog).toHaveAttribute('open');
    expect(within(dialog).getByRole('button', { name: 'Activate' })).toBeInTheDocument();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(dialog).not.toHaveAttribute('open');
  });

  it('selecting a service highlights its chips and says who shares a network with it', async () => {
    render(ClusterMap, { view, now: SYNTHETIC_NOW });
    const service = small.services.find((s) => s.mode === 'replicated')!;
    await fireEvent.click(within(screen.getByRole('list', { name: 'Services' })).getByRole('button', { name: service.name }));
    expect(within(screen.getByRole('list', { name: 'Services' })).getByRole('button', { name: service.name })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    const details = screen.getByRole('region', { name: 'Details' });
    expect(within(details).getByRole('heading', { name: `Who can reach ${service.name} by name` })).toBeInTheDocument();
    for (const name of ['Scale', 'Roll back', 'Force restart', 'Remove', 'Logs'])
      expect(within(details).getByRole('button', { name })).toBeInTheDocument();
    const chips = screen.getAllByRole('img').filter((chip) => chip.dataset.serviceId === service.id);
    expect(chips.length).toBeGreaterThan(0);
    for (const chip of chips) expect(chip).toHaveClass('highlight');
    const others = screen.getAllByRole('img').filter((chip) => chip.dataset.serviceId !== service.id);
    for (const chip of others) expect(chip).toHaveClass('muted');
  });

  it('hides stopped tasks until asked, and names each chip by task and state', async () => {
    render(ClusterMap, { view, now: SYNTHETIC_NOW });
    const before = screen.getAllByRole('img').length;
    expect(screen.queryAllByRole('img', { name: /: shutdown$/ })).toHaveLength(0);
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Show stopped tasks' }));
    expect(screen.getAllByRole('img').length).toBeGreaterThan(before);
    expect(screen.getAllByRole('img', { name: /^\w+_[\w-]+(\.\d+)?: shutdown$/ }).length).toBeGreaterThan(0);
    await fireEvent.click(screen.getByRole('radio', { name: 'Compact' }));
    expect(cards()[0]).toHaveClass('compact');
  });
});

import { cleanup, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthWarning, SwarmHealth } from '../../../../src-main/contract.js';
import HealthPanel from './HealthPanel.svelte';

afterEach(() => cleanup());

const base: SwarmHealth = { managers: 3, reachable: 2, tolerates: 1, toleratesNow: 0, leader: 'manager1', autolock: false, warnings: [] };

function renderWith(warnings: HealthWarning[], health: Partial<SwarmHealth> = {}) {
  render(HealthPanel, { health: { ...base, ...health, warnings } });
  return screen.getByRole('region', { name: 'Health' });
}

describe('the health panel', () => {
  it('says how many managers answer, what the swarm can still take, and who leads', () => {
    const region = renderWith([]);
    expect(within(region).getByText('Managers reachable 2 of 3')).toBeInTheDocument();
    expect(within(region).getByText('Can tolerate 0 more failures now (1 with all managers up)')).toBeInTheDocument();
    expect(within(region).getByText('Leader: manager1')).toBeInTheDocument();
    expect(within(region).getByText('No warnings: the swarm follows Docker’s guidance.')).toBeInTheDocument();
    cleanup();
    const none = renderWith([], { leader: null, managers: 5, reachable: 5, tolerates: 2, toleratesNow: 2 });
    expect(within(none).getByText('Can tolerate 2 more failures now (2 with all managers up)')).toBeInTheDocument();
    expect(within(none).getByText('No leader now: the managers have not elected one.')).toBeInTheDocument();
  });

  it('words every warning with each value the core sends, and its fix', () => {
    // The parameters as the core's health check sends them.
    const region = renderWith([
      { code: 'QUORUM_LOST', params: { reachable: '1', needed: '2' } },
      { code: 'MANAGERS_UNREACHABLE', params: { hosts: 'manager3', count: '1', toleratesNow: '0' } },
      { code: 'MANAGERS_EVEN', params: { count: '4', tolerates: '1' } },
      { code: 'MANAGER_SINGLE', params: {} },
      { code: 'MANAGERS_RUN_WORKLOADS', params: { hosts: 'manager1, manager2', nodes: '12' } },
      { code: 'NODES_DOWN', params: { hosts: 'worker4, worker9', count: '2' } },
      { code: 'ENGINE_SKEW', params: { versions: '26.1.4, 27.3.1' } },
      { code: 'TOKENS_NOT_ROTATED', params: { days: '200', rotated: 'no' } },
      { code: 'AUTOLOCK_OFF', params: {} },
    ]);
    const items = within(within(region).getByRole('list', { name: 'Warnings' })).getAllByRole('listitem');
    expect(items).toHaveLength(9);
    const text = items.map((item) => item.textContent ?? '');
    expect(text[0]).toContain('Quorum lost: 1 managers are reachable and the swarm needs 2');
    expect(text[0]).toContain('docker swarm init --force-new-cluster');
    expect(text[1]).toContain('1 manager is unreachable: manager3. The swarm can take 0 more manager failures');
    expect(text[2]).toContain('4 managers tolerate 1 failures');
    expect(text[3]).toContain('A single manager');
    expect(text[4]).toContain('Managers run workloads in a swarm of 12 nodes: manager1, manager2.');
    expect(text[4]).toContain('Fix: Drain manager1, manager2');
    expect(text[5]).toContain('2 nodes are down: worker4, worker9.');
    expect(text[6]).toContain('26.1.4, 27.3.1');
    expect(text[7]).toContain('have not been rotated since the swarm was made, 200 days ago');
    expect(text[8]).toContain('Autolock is off');
    for (const item of text) {
      expect(item).toContain('Fix:');
      expect(item).not.toMatch(/\{\w+\}/);
    }
  });

  it('words the backup and registry warnings, with a plain form when a value is missing', () => {
    const region = renderWith([
      { code: 'BACKUP_MISSING', params: {} },
      { code: 'BACKUP_STALE', params: { hours: '30', every: '6' } },
      { code: 'REGISTRY_INSECURE', params: { endpoint: '10.0.0.21:5000' } },
      { code: 'BACKUP_STALE', params: { hours: '30' } },
      { code: 'REGISTRY_INSECURE', params: {} },
    ]);
    const text = within(region)
      .getAllByRole('listitem')
      .map((item) => item.textContent ?? '');
    expect(text[0]).toContain('No backup of the swarm state has been taken from this workstation.');
    expect(text[1]).toContain('The last backup is 30 hours old; the schedule asks for one every 6 hours.');
    expect(text[2]).toContain('The private registry 10.0.0.21:5000 serves images over plain HTTP');
    expect(text[3]).toContain('The last backup is older than the schedule allows.');
    expect(text[4]).toContain('The private registry serves images over plain HTTP');
    for (const item of text) {
      expect(item).toContain('Fix:');
      expect(item).not.toMatch(/\{\w+\}/);
    }
  });

  it('keeps missing and unknown values harmless', () => {
    const region = renderWith([
      { code: 'NODES_DOWN', params: { count: '2', extra: '<b>x</b>' } },
      { code: 'TOKENS_NOT_ROTATED', params: { days: '190', rotated: 'yes', colour: 'blue' } },
      { code: 'SOMETHING_NEW' as HealthWarning['code'], params: { a: 'b' } },
    ]);
    const text = within(region)
      .getAllByRole('listitem')
      .map((item) => item.textContent ?? '');
    expect(text[0]).toContain('Some nodes are down.');
    expect(text[1]).toContain('The join tokens were last rotated 190 days ago.');
    expect(text[2]).toContain('has no words for (SOMETHING_NEW)');
    for (const item of text) expect(item).not.toMatch(/\{\w+\}|<b>|blue/);
  });
});

import { describe, expect, it } from 'vitest';
import type { BackupRecord, HostRecord } from '../../contract.js';
import type { SwarmNode } from '../swarm/swarm-api.js';
import { beyondKeep, chooseBackupNode, quorumOf } from './backup-guard.js';

const node = (id: string, role: 'manager' | 'worker', extra: { leader?: boolean; reach?: string; state?: string } = {}): SwarmNode => ({
  ID: id,
  Version: { Index: 1 },
  Spec: { Role: role },
  Description: { Hostname: id },
  Status: { State: extra.state ?? 'ready', Addr: `10.0.0.${id.slice(-1)}` },
  ...(role === 'manager'
    ? { ManagerStatus: { Leader: extra.leader ?? false, Reachability: extra.reach ?? 'reachable', Addr: `10.0.0.${id.slice(-1)}:2377` } }
    : {}),
});
const host = (alias: string, address: string): HostRecord =>
  ({ alias, address, port: 22, user: 'ops', auth: ['key'], identityFile: null, jump: [], tags: [] }) as unknown as HostRecord;
const hosts = [host('m1', '10.0.0.1'), host('m2', '10.0.0.2'), host('m3', '10.0.0.3'), host('w4', '10.0.0.4')];
const three = [node('m1', 'manager', { leader: true }), node('m2', 'manager'), node('m3', 'manager'), node('w4', 'worker')];
const reasonOf = (c: ReturnType<typeof chooseBackupNode>) => c.refused?.params?.reason ?? null;

describe('which manager a backup stops', () => {
  it('quorum is a majority of all managers', () => {
    expect([1, 2, 3, 4, 5, 7].map(quorumOf)).toEqual([1, 2, 2, 3, 3, 4]);
  });

  it('never the leader; prefers a manager the app is not talking through', () => {
    const choice = chooseBackupNode({ nodes: three, records: hosts, acknowledgeSingleManager: false, linkManager: 'm2' });
    expect(choice).toMatchObject({ node: { id: 'm3', host: 'm3' }, refused: null, warnings: [] });
    expect(chooseBackupNode({ nodes: three, records: hosts, acknowledgeSingleManager: false }).node?.id).not.toBe('m1');
    const leader = chooseBackupNode({ nodes: three, records: hosts, nodeId: 'm1', acknowledgeSingleManager: true });
    expect(leader.refused?.code).toBe('BACKUP_REFUSED');
    expect(reasonOf(leader)).toMatch(/leader/);
  });

  it('refuses when one manager of three is already unreachable: the stop would lose quorum', () => {
    const nodes = [
      node('m1', 'manager', { leader: true }),
      node('m2', 'manager', { reach: 'unreachable', state: 'down' }),
      node('m3', 'manager'),
    ];
    const choice = chooseBackupNode({ nodes, records: hosts, acknowledgeSingleManager: false });
    expect(choice.node).toBeNull();
    expect(reasonOf(choice)).toBe('stopping m3 would leave 1 of 3 managers reachable (already unreachable: m2); quorum needs 2');
    expect(reasonOf(chooseBackupNode({ nodes, records: hosts, nodeId: 'm3', acknowledgeSingleManager: false }))).toMatch(/quorum needs 2/);
    // With five managers, one down, a stop still leaves three of five.
    const five = [...nodes, node('m4', 'manager'), node('m5', 'manager')];
    const more = [...hosts, host('m5', '10.0.0.5')];
    expect(chooseBackupNode({ nodes: five, records: more, acknowledgeSingleManager: false }).refused).toBeNull();
  });

  it('a single manager only with the acknowledgement, and then it is the leader that stops', () => {
    const nodes = [node('m1', 'manager', { leader: true }), node('w4', 'worker')];
    const without = chooseBackupNode({ nodes, records: hosts, acknowledgeSingleManager: false });
    expect(without.refused?.code).toBe('BACKUP_REFUSED');
    expect(without.warnings).toEqual(['SINGLE_MANAGER']);
    const withAck = chooseBackupNode({ nodes, records: hosts, acknowledgeSingleManager: true });
    expect(withAck).toMatchObject({ node: { id: 'm1', host: 'm1' }, refused: null, warnings: ['SINGLE_MANAGER'] });
  });

  it('refuses a node the app cannot reach over SSH (not in Hosts), and a worker', () => {
    const notInHosts = hosts.filter((h) => h.alias !== 'm2' && h.alias !== 'm3');
    const choice = chooseBackupNode({ nodes: three, records: notInHosts, acknowledgeSingleManager: false });
    expect(reasonOf(choice)).toMatch(/no manager other than the leader is in Hosts/);
    expect(reasonOf(chooseBackupNode({ nodes: three, records: notInHosts, nodeId: 'm2', acknowledgeSingleManager: false }))).toMatch(
      /not in Hosts/,
    );
    expect(reasonOf(chooseBackupNode({ nodes: three, records: hosts, nodeId: 'w4', acknowledgeSingleManager: false }))).toMatch(/worker/);
    expect(reasonOf(chooseBackupNode({ nodes: three, records: hosts, nodeId: 'nope', acknowledgeSingleManager: false }))).toMatch(
      /no node/,
    );
  });
});

describe('retention', () => {
  const rec = (id: string, createdAt: string) => ({ id, createdAt }) as BackupRecord;
  it('deletes all but the newest `keep`, whatever the order given', () => {
    const list = [rec('b', '2025-01-02T00:00:00Z'), rec('c', '2025-01-03T00:00:00Z'), rec('a', '2025-01-01T00:00:00Z')];
    expect(beyondKeep(list, 1).map((r) => r.id)).toEqual(['b', 'a']);
    expect(beyondKeep(list, 2).map((r) => r.id)).toEqual(['a']);
    expect(beyondKeep(list, 5)).toEqual([]);
  });
});

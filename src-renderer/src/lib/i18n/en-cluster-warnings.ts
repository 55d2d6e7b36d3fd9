import type { HealthWarningCode } from '../../../../src-main/contract.js';

// Words for the core's health warnings: why each matters, and the fix. Each has a plain form
// without parameters, used when the core did not send a value the sentence needs.

interface WarningWords {
  reason: string | { one: string; other: string };
  reasonPlain: string;
  fix: string;
  fixPlain: string;
}

const words = {
  QUORUM_LOST: {
    reason:
      'Quorum lost: {reachable} managers are reachable and the swarm needs {needed} to agree on any change. Running tasks go on, but nothing can be changed or rescheduled.',
    reasonPlain: 'Quorum lost: too few managers are reachable to agree on any change.',
    fix: 'Bring managers back until {needed} are reachable (start Docker, open port 2377/tcp between managers). If they are gone for good, run docker swarm init --force-new-cluster on a surviving manager, then add managers again.',
    fixPlain:
      'Bring managers back (start Docker, open port 2377/tcp between managers). If they are gone for good, run docker swarm init --force-new-cluster on a surviving manager, then add managers again.',
  },
  MANAGERS_UNREACHABLE: {
    reason: {
      one: '{count} manager is unreachable: {hosts}. The swarm can take {toleratesNow} more manager failures before it loses quorum.',
      other: '{count} managers are unreachable: {hosts}. The swarm can take {toleratesNow} more manager failures before it loses quorum.',
    },
    reasonPlain: 'Some managers are unreachable, so the swarm can take fewer failures than it should.',
    fix: 'Check that Docker runs on {hosts} and that port 2377/tcp is open between managers. A manager gone for good: Demote it and remove it (docker node rm) so that it stops counting against quorum.',
    fixPlain:
      'Check that Docker runs on them and that port 2377/tcp is open between managers. A manager gone for good: Demote it and remove it (docker node rm) so that it stops counting against quorum.',
  },
  MANAGERS_EVEN: {
    reason:
      '{count} managers tolerate {tolerates} failures, no more than one manager fewer would: the even one adds raft traffic, not safety.',
    reasonPlain: 'An even number of managers tolerates no more failures than one fewer.',
    fix: 'Promote a worker or Demote a manager to make the number odd.',
    fixPlain: 'Promote a worker or Demote a manager to make the number odd.',
  },
  MANAGER_SINGLE: {
    reason: 'A single manager: while it is down the swarm cannot be managed, and if its disk is lost the swarm is lost.',
    reasonPlain: 'A single manager: while it is down the swarm cannot be managed, and if its disk is lost the swarm is lost.',
    fix: 'Promote two workers to have three managers, which tolerate one failure.',
    fixPlain: 'Promote two workers to have three managers, which tolerate one failure.',
  },
  MANAGERS_RUN_WORKLOADS: {
    reason:
      'Managers run workloads in a swarm of {nodes} nodes: {hosts}. A busy manager can miss raft heartbeats and slow every change down.',
    reasonPlain: 'Managers run workloads. A busy manager can miss raft heartbeats and slow every change down.',
    fix: 'Drain {hosts} so that their tasks move to workers.',
    fixPlain: 'Drain the managers so that their tasks move to workers.',
  },
  NODES_DOWN: {
    reason: { one: '{count} node is down: {hosts}.', other: '{count} nodes are down: {hosts}.' },
    reasonPlain: 'Some nodes are down.',
    fix: 'Check {hosts} and Docker on them. Docker runs their replicated tasks elsewhere meanwhile; a node gone for good can be removed with docker node rm.',
    fixPlain:
      'Check the hosts and Docker on them. Docker runs their replicated tasks elsewhere meanwhile; a node gone for good can be removed with docker node rm.',
  },
  ENGINE_SKEW: {
    reason: 'The nodes run different Docker Engine versions: {versions}.',
    reasonPlain: 'The nodes run different Docker Engine versions.',
    fix: 'Bring every node to the same version, one node at a time: Drain it, upgrade Docker, Activate it. Managers first.',
    fixPlain: 'Bring every node to the same version, one node at a time: Drain it, upgrade Docker, Activate it. Managers first.',
  },
  TOKENS_NOT_ROTATED: {
    reason: 'The join tokens were last rotated {days} days ago.',
    reasonPlain: 'The join tokens have not been rotated for more than 6 months.',
    fix: 'Rotate both: docker swarm join-token --rotate worker, then --rotate manager. Docker advises at least every 6 months, and at once if one may have leaked.',
    fixPlain:
      'Rotate both: docker swarm join-token --rotate worker, then --rotate manager. Docker advises at least every 6 months, and at once if one may have leaked.',
  },
  AUTOLOCK_OFF: {
    reason: 'Autolock is off: anyone with a copy of a manager’s disk gets the swarm’s raft keys and its secrets.',
    reasonPlain: 'Autolock is off: anyone with a copy of a manager’s disk gets the swarm’s raft keys and its secrets.',
    fix: 'Turn it on with docker swarm update --autolock=true and keep the unlock key somewhere safe: a manager asks for it after every restart.',
    fixPlain:
      'Turn it on with docker swarm update --autolock=true and keep the unlock key somewhere safe: a manager asks for it after every restart.',
  },
  BACKUP_MISSING: {
    reason: 'No backup of the swarm state has been taken from this workstation.',
    reasonPlain: 'No backup of the swarm state has been taken from this workstation.',
    fix: 'Take one in the Backups tab, and set a schedule: losing a majority of managers without one means rebuilding the swarm by hand.',
    fixPlain:
      'Take one in the Backups tab, and set a schedule: losing a majority of managers without one means rebuilding the swarm by hand.',
  },
  BACKUP_STALE: {
    reason: 'The last backup is {hours} hours old; the schedule asks for one every {every} hours.',
    reasonPlain: 'The last backup is older than the schedule allows.',
    fix: 'Take a backup now in the Backups tab; if routine backups fail, the tab says why.',
    fixPlain: 'Take a backup now in the Backups tab; if routine backups fail, the tab says why.',
  },
  REGISTRY_INSECURE: {
    reason: 'The private registry {endpoint} serves images over plain HTTP: anyone on the network path can read or alter them.',
    reasonPlain: 'The private registry serves images over plain HTTP: anyone on the network path can read or alter them.',
    fix: 'Keep it on a private network you control, or deploy it again in TLS mode.',
    fixPlain: 'Keep it on a private network you control, or deploy it again in TLS mode.',
  },
} as const satisfies Record<HealthWarningCode, WarningWords>;

export const enClusterWarnings = {
  warnings: {
    ...words,
    TOKENS_NOT_ROTATED: {
      ...words.TOKENS_NOT_ROTATED,
      reasonNever: 'The join tokens have not been rotated since the swarm was made, {days} days ago.',
    },
  },
} as const;

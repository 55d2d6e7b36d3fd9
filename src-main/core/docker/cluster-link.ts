import { EventEmitter } from 'node:events';
import type Docker from 'dockerode';
import { CoreError } from '../errors.js';
import type { ManagedConnection } from '../ssh/managed-connection.js';
import { DockerSession, type DockerEvent, type RequestKind } from './docker-session.js';

export interface ManagerLink {
  name: string;
  link: ManagedConnection;
}

export type ClusterLinkStatus = { state: 'using'; manager: string } | { state: 'searching' } | { state: 'no-manager'; tried: string[] };

/** A worker (or a host that left the swarm) answers manager calls with this. */
const NOT_A_MANAGER = /not a swarm manager|not part of a swarm/i;

/**
 * How a manager without a raft majority answers: it waits and gives up
 * (deadline exceeded), steps down (lost leader status), or finds no leader
 * (Docker's own text adds "too few managers are online").
 */
const QUORUM_LOST =
  /context deadline exceeded|code = DeadlineExceeded|node lost leader status|does not have a leader|no elected cluster leader/i;

/**
 * A swarm reached through whichever of its managers answers. When the manager
 * in use stops answering, the next one is tried; with none reachable it says
 * so and keeps trying. A manager that answers but has lost quorum is reported
 * as QUORUM_LOST, not as a generic failure.
 */
export class ClusterLink extends EventEmitter<{ status: [ClusterLinkStatus] }> {
  private readonly sessions = new Map<string, DockerSession>();
  /** Hosts that answered but are not managers: passed over until they say otherwise. */
  private readonly notManagers = new Set<string>();
  private currentIndex = 0;
  private status: ClusterLinkStatus = { state: 'searching' };

  constructor(private readonly managers: ManagerLink[]) {
    super();
    if (managers.length === 0) throw new CoreError('NOT_FOUND', 'A cluster needs at least one manager host');
    for (const manager of managers) {
      this.sessions.set(manager.name, new DockerSession(manager.link));
      manager.link.on('status', (status) => {
        if (this.current().name === manager.name && status.state !== 'ready' && status.state !== 'connecting') {
          this.setStatus({ state: 'searching' });
        }
      });
    }
  }

  get state(): ClusterLinkStatus {
    return this.status;
  }

  /** One Docker API call on a manager that answers: a read moves to another manager if its link drops; a write is never replayed. */
  async request<T>(kind: RequestKind, call: (docker: Docker) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const { manager, session } = await this.reachableManager();
      try {
        const result = await session.request(kind, call, 1);
        // A manager that said "not a manager" while its Docker was starting is one again.
        this.notManagers.delete(manager.name);
        return result;
      } catch (err) {
        const quorum = asQuorumError(err);
        if (quorum) throw quorum;
        const notManager = NOT_A_MANAGER.test(errorText(err));
        if (notManager) {
          this.notManagers.add(manager.name);
          // The next attempt starts past it: when every host is marked (a manager restarting said
          // so too), staying on this one would ask a worker forever.
          if (this.managers[this.currentIndex] === manager) this.currentIndex = (this.currentIndex + 1) % this.managers.length;
        }
        const tryAnother = notManager || (err instanceof CoreError && err.code === 'SSH_LINK_LOST');
        if (!tryAnother || attempt >= this.managers.length) throw err;
      }
    }
  }

  /**
   * The manager in use if its link is up, else the next that connects. A link
   * that is already waiting to reconnect is passed over, not waited for.
   */
  /**
   * Docker's events through the manager in use; when the link moves to another manager, the
   * stream moves with it (every manager sees the swarm's events). Returns a function that stops.
   */
  followEvents(onEvent: (event: DockerEvent) => void, filters: Record<string, string[]>): () => void {
    let following: { manager: string; stop: () => void } | null = null;
    const follow = (status: ClusterLinkStatus): void => {
      if (status.state !== 'using' || following?.manager === status.manager) return;
      following?.stop();
      const session = this.sessions.get(status.manager);
      following = session ? { manager: status.manager, stop: session.followEvents(onEvent, filters) } : null;
    };
    follow(this.status);
    this.on('status', follow);
    return () => {
      this.off('status', follow);
      following?.stop();
      following = null;
    };
  }

  private async reachableManager(): Promise<{ manager: ManagerLink; session: DockerSession }> {
    const tried: string[] = [];
    for (let offset = 0; offset < this.managers.length; offset++) {
      const index = (this.currentIndex + offset) % this.managers.length;
      const manager = this.managers[index]!;
      if (this.notManagers.has(manager.name) && this.notManagers.size < this.managers.length) {
        tried.push(manager.name);
        continue;
      }
      const state = manager.link.state.state;
      if (state !== 'ready') {
        if (state === 'reconnecting') {
          tried.push(manager.name);
          continue;
        }
        try {
          await manager.link.connection();
        } catch {
          tried.push(manager.name);
          continue;
        }
      }
      this.currentIndex = index;
      if (this.status.state !== 'using' || this.status.manager !== manager.name) this.setStatus({ state: 'using', manager: manager.name });
      return { manager, session: this.sessions.get(manager.name)! };
    }
    this.setStatus({ state: 'no-manager', tried });
    throw new CoreError('NO_MANAGER_REACHABLE', `None of the managers answers: ${tried.join(', ')}`, {
      params: { managers: tried.join(', ') },
    });
  }

  private current(): ManagerLink {
    return this.managers[this.currentIndex]!;
  }

  private setStatus(status: ClusterLinkStatus): void {
    this.status = status;
    this.emit('status', status);
  }
}

function errorText(err: unknown): string {
  return (err as { json?: { message?: string } }).json?.message ?? (err as Error).message ?? '';
}

function asQuorumError(err: unknown): CoreError | null {
  if (!QUORUM_LOST.test(errorText(err))) return null;
  return new CoreError('QUORUM_LOST', 'The swarm has lost quorum: too few managers are up to agree on any change', { cause: err });
}

import { EventEmitter } from 'node:events';
import type Docker from 'dockerode';
import { CoreError } from '../errors.js';
import type { ManagedConnection } from '../ssh/managed-connection.js';
import { DockerSession, type RequestKind } from './docker-session.js';

export interface ManagerLink {
  name: string;
  link: ManagedConnection;
}

export type ClusterLinkStatus = { state: 'using'; manager: string } | { state: 'searching' } | { state: 'no-manager'; tried: string[] };

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
      const { session } = await this.reachableManager();
      try {
        return await session.request(kind, call, 1);
      } catch (err) {
        const quorum = asQuorumError(err);
        if (quorum) throw quorum;
        if (!(err instanceof CoreError && err.code === 'SSH_LINK_LOST') || attempt >= this.managers.length) throw err;
      }
    }
  }

  /**
   * The manager in use if its link is up, else the next that connects. A link
   * that is already waiting to reconnect is passed over, not waited for.
   */
  private async reachableManager(): Promise<{ manager: ManagerLink; session: DockerSession }> {
    const tried: string[] = [];
    for (let offset = 0; offset < this.managers.length; offset++) {
      const index = (this.currentIndex + offset) % this.managers.length;
      const manager = this.managers[index]!;
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

function asQuorumError(err: unknown): CoreError | null {
  const message = (err as { message?: string; json?: { message?: string } }).json?.message ?? (err as Error).message ?? '';
  if (!QUORUM_LOST.test(message)) return null;
  return new CoreError('QUORUM_LOST', 'The swarm has lost quorum: too few managers are up to agree on any change', { cause: err });
}

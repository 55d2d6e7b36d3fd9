import type Docker from 'dockerode';
import { CoreError } from '../errors.js';
import type { SshConnection } from '../ssh/connect.js';
import type { ManagedConnection } from '../ssh/managed-connection.js';
import type { SshDockerAgent } from './tunnel-agent.js';

export type RequestKind = 'read' | 'write';

const READ_ATTEMPTS = 3;

/**
 * The Docker API of one host over its managed SSH link. A read that fails
 * because the link died is retried on the next link; a write is not, because it
 * may have been applied: the caller gets OUTCOME_UNKNOWN and re-reads state.
 */
export class DockerSession {
  private bound: { connection: SshConnection; docker: Docker; agent: SshDockerAgent } | null = null;

  /** `link` is anything that hands out the live connection: a ManagedConnection, or a view of it that fails fast. */
  constructor(private readonly link: Pick<ManagedConnection, 'connection'>) {}

  /**
   * `readAttempts: 1` hands a dropped read back at once as SSH_LINK_LOST, for a
   * caller that would rather try another host than wait for this one.
   */
  async request<T>(kind: RequestKind, call: (docker: Docker) => Promise<T>, readAttempts = READ_ATTEMPTS): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const { docker, connection } = await this.docker();
      try {
        return await call(docker);
      } catch (err) {
        if (!linkDied(err, connection)) throw err;
        this.unbind(connection);
        if (kind === 'write') {
          throw new CoreError(
            'OUTCOME_UNKNOWN',
            'The connection dropped while the change was being sent; it may or may not have been applied',
            {
              cause: err,
            },
          );
        }
        if (attempt >= readAttempts) {
          throw new CoreError('SSH_LINK_LOST', 'The SSH connection dropped during the request', { cause: err });
        }
      }
    }
  }

  /**
   * Follows the host's Docker events across reconnects: after a drop it
   * reopens the stream from the last event seen, so nothing in the gap is lost.
   * Returns a function that stops following.
   */
  followEvents(onEvent: (event: DockerEvent) => void, filters: Record<string, string[]> = {}): () => void {
    let stopped = false;
    let since: string | undefined;
    let current: NodeJS.ReadableStream | null = null;
    const run = async (): Promise<void> => {
      while (!stopped) {
        try {
          const { connection, docker } = await this.docker();
          // Docker takes `since` as seconds with a nanosecond fraction, which a JS number cannot hold.
          const options = { filters, ...(since ? { since } : {}) } as unknown as Docker.GetEventsOptions;
          const stream = await docker.getEvents(options);
          current = stream;
          if (stopped) break;
          await new Promise<void>((resolve) => {
            let buffered = '';
            stream.on('data', (chunk: Buffer) => {
              buffered += chunk.toString('utf8');
              let newline = buffered.indexOf('\n');
              while (newline >= 0) {
                const line = buffered.slice(0, newline).trim();
                buffered = buffered.slice(newline + 1);
                newline = buffered.indexOf('\n');
                if (!line) continue;
                const event = JSON.parse(line) as DockerEvent;
                // timeNano exceeds a JS number's precision: read its digits from the text.
                const nanos = /"timeNano":(\d+)/.exec(line)?.[1];
                if (nanos) since = (BigInt(nanos) + 1n).toString().replace(/(\d{9})$/, '.$1');
                onEvent(event);
              }
            });
            stream.once('end', () => resolve());
            stream.once('close', () => resolve());
            stream.once('error', () => resolve());
          });
          this.unbindIfDead(connection);
        } catch {
          // The link is down or failed for good; `this.docker()` waits for a reconnect, a failure answers at once.
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    };
    void run();
    return () => {
      stopped = true;
      (current as unknown as { destroy?: () => void } | null)?.destroy?.();
    };
  }

  private async docker(): Promise<{ connection: SshConnection; docker: Docker; agent: SshDockerAgent }> {
    const connection = await this.link.connection();
    // dockerode loads on first use: the setup and cluster code that holds sessions is part of start-up, dockerode need not be.
    const { dockerOverSsh } = await import('./docker-client.js');
    if (this.bound?.connection !== connection) {
      this.bound?.agent.destroy();
      this.bound = { connection, ...dockerOverSsh(connection.client) };
    }
    return this.bound;
  }

  private unbind(connection: SshConnection): void {
    if (this.bound?.connection === connection) {
      this.bound.agent.destroy();
      this.bound = null;
    }
  }

  private unbindIfDead(connection: SshConnection): void {
    if (!connection.isOpen()) this.unbind(connection);
  }
}

export interface DockerEvent {
  Type: string;
  Action: string;
  Actor?: { ID: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

/** Errors that mean "the SSH link is gone", as opposed to an answer from Docker. */
function linkDied(err: unknown, connection: SshConnection): boolean {
  const e = err as { code?: string; message?: string; statusCode?: number };
  if (typeof e.statusCode === 'number') return false;
  const closed = !(connection.client as unknown as { _sock?: { writable?: boolean } })._sock?.writable;
  return (
    closed ||
    ['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE'].includes(e.code ?? '') ||
    /Not connected|No response|socket hang up|Channel open failure|closed/i.test(e.message ?? '')
  );
}

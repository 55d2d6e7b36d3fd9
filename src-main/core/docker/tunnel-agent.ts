import { Agent, type AgentOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';

export const DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * An http.Agent whose sockets are SSH streamlocal channels to the host's Docker
 * socket over one persistent SSH connection: no new handshake per request and
 * no TCP port opened anywhere. Keep-alive reuses channels between requests.
 */
export class SshDockerAgent extends Agent {
  constructor(
    private readonly client: Client,
    private readonly socketPath = DOCKER_SOCKET,
    options: AgentOptions = {},
  ) {
    super({ keepAlive: true, maxSockets: 32, ...options });
  }

  // Node's Agent accepts an async createConnection through the callback.
  override createConnection(_options: unknown, callback: (err: Error | null, stream?: Duplex) => void): undefined {
    this.client.openssh_forwardOutStreamLocal(this.socketPath, (err, channel) => {
      if (err) return callback(err);
      // http expects net.Socket methods that a channel does not have; these are no-ops for a channel.
      const stream = channel as unknown as Duplex & {
        setKeepAlive?: () => void;
        setNoDelay?: () => void;
        setTimeout?: () => void;
        ref?: () => void;
        unref?: () => void;
      };
      stream.setKeepAlive ??= () => undefined;
      stream.setNoDelay ??= () => undefined;
      stream.setTimeout ??= () => undefined;
      stream.ref ??= () => undefined;
      stream.unref ??= () => undefined;
      callback(null, stream);
    });
    return undefined;
  }
}

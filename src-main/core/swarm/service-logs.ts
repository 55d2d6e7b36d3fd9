import { randomUUID } from 'node:crypto';
import type Docker from 'dockerode';
import type { LogLine } from '../../contract.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import { CoreError, toContractError } from '../errors.js';
import type { EventBus } from '../events.js';

const FLUSH_MS = 100;
const MAX_STREAMS = 16;

interface Names {
  tasks: Map<string, string>;
  nodes: Map<string, string>;
}

/**
 * A service's logs across all its tasks and nodes, as the manager gathers them
 * (`docker service logs`), with each line named `service.slot@node`. Lines are
 * sent in small batches; a stream ends on `stopLogs`, at its end, or on error.
 */
export class ServiceLogs {
  private readonly streams = new Map<string, { destroy: () => void }>();

  constructor(
    private readonly clusters: ClusterService,
    private readonly events: EventBus,
  ) {}

  async start(clusterId: string, serviceId: string, follow: boolean, tail: number): Promise<{ streamId: string }> {
    if (this.streams.size >= MAX_STREAMS) throw new CoreError('CONFLICT', 'Too many log streams are open; close one first');
    const { link } = await this.clusters.linkOf(clusterId);
    const names = await link.request('read', (d) => readNames(d, serviceId));
    const streamId = randomUUID();
    const stream = await link.request('read', (d) => openLogs(d, serviceId, follow, tail));
    let batch: LogLine[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = (): void => {
      timer = undefined;
      if (batch.length === 0) return;
      this.events.emit('logs:lines', { streamId, lines: batch });
      batch = [];
    };
    const demux = new Demuxer((kind, line) => {
      batch.push(parseLine(line, kind, names));
      timer ??= setTimeout(flush, FLUSH_MS);
    });
    let ended = false;
    const end = (error?: unknown): void => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      flush();
      this.streams.delete(streamId);
      this.events.emit('logs:ended', { streamId, ...(error ? { error: toContractError(error) } : {}) });
    };
    stream.on('data', (chunk: Buffer) => demux.push(chunk));
    stream.on('end', () => end());
    stream.on('close', () => end());
    stream.on('error', (err: unknown) => end(new CoreError('SSH_LINK_LOST', `The log stream ended: ${(err as Error).message}`)));
    this.streams.set(streamId, { destroy: () => (stream as unknown as { destroy(): void }).destroy() });
    return { streamId };
  }

  stop(streamId: string): void {
    this.streams.get(streamId)?.destroy();
    this.streams.delete(streamId);
  }
}

async function readNames(docker: Docker, serviceId: string): Promise<Names> {
  const [service, tasks, nodes] = await Promise.all([
    docker.getService(serviceId).inspect() as Promise<{ Spec: { Name: string } }>,
    docker.listTasks({ filters: { service: [serviceId] } }) as Promise<{ ID: string; Slot?: number; NodeID?: string }[]>,
    docker.listNodes() as Promise<{ ID: string; Description?: { Hostname?: string } }[]>,
  ]);
  return {
    tasks: new Map(tasks.map((t) => [t.ID, `${service.Spec.Name}.${t.Slot ?? t.NodeID ?? t.ID.slice(0, 12)}`])),
    nodes: new Map(nodes.map((n) => [n.ID, n.Description?.Hostname ?? n.ID])),
  };
}

function openLogs(docker: Docker, serviceId: string, follow: boolean, tail: number): Promise<NodeJS.ReadableStream> {
  const modem = (docker as unknown as { modem: { dial(o: unknown, cb: (err: unknown, data: unknown) => void): void } }).modem;
  return new Promise((resolve, reject) =>
    modem.dial(
      {
        path: `/services/${serviceId}/logs?`,
        method: 'GET',
        isStream: true,
        statusCodes: { 200: true, 404: 'no such service', 500: 'server error', 503: 'node is not part of a swarm' },
        options: { _query: { follow, stdout: true, stderr: true, timestamps: true, details: true, tail: String(tail) } },
      },
      (err, data) => (err ? reject(err) : resolve(data as NodeJS.ReadableStream)),
    ),
  );
}

/** Docker's stream framing for non-TTY output: an 8-byte header (stream, 3 zero bytes, size), then the payload; lines may span frames. */
export class Demuxer {
  private pending = Buffer.alloc(0);
  private readonly partial = { stdout: '', stderr: '' };

  constructor(private readonly onLine: (stream: 'stdout' | 'stderr', line: string) => void) {}

  push(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) return;
      const kind = this.pending[0] === 2 ? 'stderr' : 'stdout';
      const text = this.partial[kind] + this.pending.subarray(8, 8 + size).toString('utf8');
      this.pending = this.pending.subarray(8 + size);
      const lines = text.split('\n');
      this.partial[kind] = lines.pop() ?? '';
      for (const line of lines) this.onLine(kind, line);
    }
  }
}

/** `TIMESTAMP com.docker.swarm.node.id=…,com.docker.swarm.service.id=…,com.docker.swarm.task.id=… TEXT` */
export function parseLine(line: string, stream: 'stdout' | 'stderr', names: Names): LogLine {
  const match = /^(\S+) (\S*com\.docker\.swarm\.\S*) ?(.*)$/.exec(line);
  if (!match) return { task: '', node: '', stream, time: '', text: line };
  const attrs = new Map(
    match[2]!.split(',').map((pair) => {
      const eq = pair.indexOf('=');
      return [pair.slice(0, eq), decodeURIComponent(pair.slice(eq + 1))] as const;
    }),
  );
  const taskId = attrs.get('com.docker.swarm.task.id') ?? '';
  const nodeId = attrs.get('com.docker.swarm.node.id') ?? '';
  return {
    task: names.tasks.get(taskId) ?? taskId.slice(0, 12),
    node: names.nodes.get(nodeId) ?? nodeId.slice(0, 12),
    stream,
    time: match[1]!,
    text: match[3] ?? '',
  };
}

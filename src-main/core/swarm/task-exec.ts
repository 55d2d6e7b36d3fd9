import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { ExecSession } from '../../contract.js';
import type { ActivityLog } from '../activity/activity-log.js';
import { matchHost } from '../clusters/adoption.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import { CoreError, toContractError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { HostRecords } from '../store/host-records.js';
import type { PlanHosts } from './plan-hosts.js';
import type { SwarmNode } from './swarm-api.js';

const MAX_SESSIONS = 8;
// bash when the image has it, else sh: most swarm images are slim. The shell first prints its PID
// in a private OSC sequence (stripped before output goes out): Docker does not end an exec's
// process when its connection closes (moby#9098), so closing the tab kills it by that PID.
const SHELL = ['sh', '-c', 'printf "\\033]7770;%s\\007" "$$"; if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi'];
// The marker is an OSC sequence: ESC ] 7770 ; <pid> BEL.
// eslint-disable-next-line no-control-regex -- the control characters are the point: they frame the marker.
const PID_MARKER = /\x1b\]7770;(\d+)\x07/;
// The marker comes first; if this much arrived without it, the shell did not print it.
const MARKER_WINDOW = 256;

interface TaskInspect {
  ID: string;
  NodeID?: string;
  Status?: { State?: string; ContainerStatus?: { ContainerID?: string } };
  Spec?: { ContainerSpec?: { Image?: string } };
}

/**
 * A shell in any running task's container: the task is found through the
 * cluster's manager, and the exec runs on the task's own node, whose Docker
 * socket is reached over that node's SSH link. No agent on the nodes.
 */
export class TaskExec {
  private readonly sessions = new Map<
    string,
    { stream: Duplex; resize: (cols: number, rows: number) => Promise<void>; kill: () => Promise<void> }
  >();

  constructor(
    private readonly clusters: ClusterService,
    private readonly records: HostRecords,
    private readonly planHosts: PlanHosts,
    private readonly events: EventBus,
    private readonly activity: ActivityLog,
  ) {}

  async open(clusterId: string, taskId: string, cols: number, rows: number): Promise<ExecSession> {
    if (this.sessions.size >= MAX_SESSIONS) throw new CoreError('CONFLICT', 'Too many shells are open; close one first');
    const { profile, link } = await this.clusters.linkOf(clusterId);
    const task = (await link.request('read', (d) => d.getTask(taskId).inspect())) as TaskInspect;
    const container = task.Status?.ContainerStatus?.ContainerID;
    if (task.Status?.State !== 'running' || !container || !task.NodeID) {
      throw new CoreError('TASK_NOT_RUNNING', `Task ${taskId.slice(0, 12)} is ${task.Status?.State ?? 'unknown'}, not running`, {
        params: { task: taskId.slice(0, 12), state: task.Status?.State ?? 'unknown' },
      });
    }
    const node = (await link.request('read', (d) => d.getNode(task.NodeID!).inspect())) as SwarmNode;
    const alias = matchHost(node, this.records.list());
    const hostname = node.Description?.Hostname ?? node.ID;
    if (!alias) {
      throw new CoreError(
        'EXEC_HOST_UNKNOWN',
        `The task runs on ${hostname} (${node.Status?.Addr ?? 'no address'}), which is not in Hosts`,
        {
          params: { host: hostname, address: node.Status?.Addr ?? '' },
        },
      );
    }
    const handle = this.planHosts.get(alias);
    const sessionId = randomUUID();
    const { stream, resize } = await handle.docker.request('write', async (docker) => {
      const exec = await docker.getContainer(container).exec({
        Cmd: SHELL,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        Env: ['TERM=xterm-256color'],
      });
      const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
      return { stream, resize: async (c: number, r: number) => void (await exec.resize({ h: r, w: c })) };
    });
    let pid: string | null = null;
    let head: Buffer | null = Buffer.alloc(0);
    // HUP as a closed terminal would send, to the shell's process group (the foreground program too), then to the shell.
    const kill = async (): Promise<void> => {
      if (!pid) return;
      await handle.docker
        .request('write', async (docker) => {
          const killer = await docker
            .getContainer(container)
            .exec({ Cmd: ['sh', '-c', `kill -HUP -- -${pid} 2>/dev/null; kill -HUP ${pid}`] });
          await killer.start({ Detach: true });
        })
        .catch(() => undefined);
    };
    this.sessions.set(sessionId, { stream, resize, kill });
    stream.on('data', (chunk: Buffer) => {
      let out = chunk;
      if (head) {
        head = Buffer.concat([head, chunk]);
        const text = head.toString('latin1');
        const found = PID_MARKER.exec(text);
        if (!found && head.length < MARKER_WINDOW) return;
        out = found ? Buffer.concat([head.subarray(0, found.index), head.subarray(found.index + found[0].length)]) : head;
        pid = found?.[1] ?? null;
        head = null;
        if (out.length === 0) return;
      }
      this.events.emit('exec:output', { sessionId, data: out.toString('base64') });
    });
    let ended = false;
    const end = (error?: unknown): void => {
      if (ended) return;
      ended = true;
      // A shell that ended before its marker was complete: what it did print still goes out.
      if (head && head.length > 0) this.events.emit('exec:output', { sessionId, data: head.toString('base64') });
      head = null;
      this.sessions.delete(sessionId);
      this.events.emit('exec:ended', { sessionId, ...(error ? { error: toContractError(error) } : {}) });
    };
    stream.on('end', () => end());
    stream.on('close', () => end());
    stream.on('error', (err: Error) => end(new CoreError('SSH_LINK_LOST', `The shell's connection ended: ${err.message}`)));
    await resize(cols, rows).catch(() => undefined);
    await this.activity.record({
      cluster: profile.name,
      host: alias,
      action: `docker exec -it ${container.slice(0, 12)} sh`,
      result: 'ok',
      detail: `task ${taskId.slice(0, 12)}`,
    });
    return { sessionId, host: alias, container: container.slice(0, 12) };
  }

  input(sessionId: string, data: string): void {
    this.session(sessionId).stream.write(data);
  }

  async resize(sessionId: string, cols: number, rows: number): Promise<void> {
    await this.session(sessionId).resize(cols, rows);
  }

  async close(sessionId: string): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    this.sessions.delete(sessionId);
    await session.kill();
    session.stream.end();
    session.stream.destroy();
  }

  private session(sessionId: string) {
    const session = this.sessions.get(sessionId);
    if (!session) throw new CoreError('NOT_FOUND', 'That shell has ended', { params: { id: sessionId } });
    return session;
  }
}

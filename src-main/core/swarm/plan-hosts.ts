import type { HostRecord } from '../../contract.js';
import { DockerSession } from '../docker/docker-session.js';
import { CoreError } from '../errors.js';
import type { HostService } from '../hosts/host-service.js';
import { execRemote, type ExecOptions, type ExecResult } from '../ssh/remote-exec.js';
import type { ManagedConnection } from '../ssh/managed-connection.js';
import type { HostRecords } from '../store/host-records.js';

/** One host of a plan as the setup code uses it: its Docker API and its shell, both over its one SSH link. */
export interface PlanHostHandle {
  alias: string;
  record: HostRecord;
  link: ManagedConnection;
  docker: DockerSession;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** The host's own address on the SSH link, once read: the default advertise address. Forgotten with the handle when the host is edited. */
  reachedAt?: string;
}

/** Hands out one handle per host alias, over the links HostService keeps (so prompts and status are shared with Hosts). */
export class PlanHosts {
  private readonly handles = new Map<string, { record: HostRecord; handle: PlanHostHandle }>();

  constructor(
    private readonly records: HostRecords,
    private readonly hosts: HostService,
  ) {}

  get(alias: string): PlanHostHandle {
    const record = this.records.byAlias(alias);
    if (!record) throw new CoreError('CLUSTER_HOSTS_UNKNOWN', `Not in Hosts: ${alias}`, { params: { hosts: alias } });
    const cached = this.handles.get(alias);
    if (cached && cached.record === record) return cached.handle;
    const link = this.hosts.link(record);
    const handle: PlanHostHandle = {
      alias,
      record,
      link,
      // Setup answers the operator now: a host that is down fails its check instead of waiting for a reconnect.
      docker: new DockerSession({ connection: () => link.attemptNow() }),
      exec: async (argv, options) => execRemote((await link.attemptNow()).client, argv, options),
    };
    this.handles.set(alias, { record, handle });
    return handle;
  }
}

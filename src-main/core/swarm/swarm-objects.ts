import type Docker from 'dockerode';
import type { SwarmObjectSummary } from '../../contract.js';
import type { ActivityLog } from '../activity/activity-log.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import { CoreError } from '../errors.js';
import type { TopologyService } from '../topology/topology-service.js';
import { dial, dockerMessage } from './swarm-api.js';

export type SwarmObjectKind = 'secret' | 'config';

/** A secret or config as Docker lists it. A config's listing carries its Data; it is dropped here. */
interface ObjectInspect {
  ID: string;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: { Name?: string; Labels?: Record<string, string> | null };
}

/** The part of a service listing that says which secrets and configs it uses. */
export interface ServiceRefs {
  Spec?: {
    Name?: string;
    TaskTemplate?: {
      ContainerSpec?: {
        Secrets?: { SecretID?: string; SecretName?: string }[] | null;
        Configs?: { ConfigID?: string; ConfigName?: string }[] | null;
      };
    };
  };
}

/** Secrets and configs share one API shape under their own paths. */
const PATHS: Record<SwarmObjectKind, string> = { secret: '/secrets', config: '/configs' };

/** Swarm secrets and configs: create, list, remove. A secret's value is never read back. */
export class SwarmObjects {
  constructor(
    private readonly clusters: ClusterService,
    private readonly activity: ActivityLog,
    private readonly topology: TopologyService,
  ) {}

  async list(clusterId: string, kind: SwarmObjectKind): Promise<SwarmObjectSummary[]> {
    const { link } = await this.clusters.linkOf(clusterId);
    const [objects, services] = await link.request('read', (d) =>
      Promise.all([dial<ObjectInspect[]>(d, { path: PATHS[kind], method: 'GET' }), listServices(d)]),
    );
    return objects.map((o) => summarize(o, kind, services)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async create(
    clusterId: string,
    kind: SwarmObjectKind,
    name: string,
    value: string,
    labels: Record<string, string>,
  ): Promise<{ id: string }> {
    const { profile, link } = await this.clusters.linkOf(clusterId);
    const labelFlags = Object.entries(labels).map(([k, v]) => `--label ${k}=${v} `);
    // `-`: the CLI reads the value from stdin; the value itself never goes to the log.
    const action = `docker ${kind} create ${labelFlags.join('')}${name} -`;
    const body = { Name: name, Labels: labels, Data: Buffer.from(value, 'utf8').toString('base64') };
    let id = '';
    await recordWrite(
      { activity: this.activity, topology: this.topology, clusterId, cluster: profile.name, action, name, hide: [value, body.Data] },
      async () => {
        const created = await link.request('write', (d) =>
          dial<{ ID: string }>(d, { path: `${PATHS[kind]}/create`, method: 'POST', body }),
        );
        id = created.ID;
      },
    );
    return { id };
  }

  async remove(clusterId: string, kind: SwarmObjectKind, id: string): Promise<void> {
    const { profile, link } = await this.clusters.linkOf(clusterId);
    const [object, services] = await link.request('read', (d) =>
      Promise.all([
        dial<ObjectInspect>(d, { path: `${PATHS[kind]}/${id}`, method: 'GET' }).catch((err: unknown) => {
          if ((err as { statusCode?: number }).statusCode === 404)
            throw new CoreError('NOT_FOUND', `No ${kind} ${id} in this swarm`, { params: { id } });
          throw err;
        }),
        listServices(d),
      ]),
    );
    const summary = summarize(object, kind, services);
    // Docker refuses too, but in words that name service IDs; this names the services.
    if (summary.usedBy.length > 0)
      throw new CoreError('OBJECT_IN_USE', `${summary.name} is used by ${summary.usedBy.join(', ')}`, {
        params: { name: summary.name, services: summary.usedBy.join(', ') },
      });
    await recordWrite(
      {
        activity: this.activity,
        topology: this.topology,
        clusterId,
        cluster: profile.name,
        action: `docker ${kind} rm ${summary.name}`,
        name: summary.name,
        hide: [],
      },
      () => link.request('write', (d) => dial<void>(d, { path: `${PATHS[kind]}/${object.ID}`, method: 'DELETE' })),
    );
  }
}

function listServices(docker: Docker): Promise<ServiceRefs[]> {
  return dial<ServiceRefs[]>(docker, { path: '/services', method: 'GET' });
}

/** Metadata only: whatever else Docker sent (a config's Data) stays behind. */
function summarize(o: ObjectInspect, kind: SwarmObjectKind, services: readonly ServiceRefs[]): SwarmObjectSummary {
  return {
    id: o.ID,
    name: o.Spec?.Name ?? o.ID,
    createdAt: o.CreatedAt ?? '',
    updatedAt: o.UpdatedAt ?? '',
    labels: { ...(o.Spec?.Labels ?? {}) },
    usedBy: usersOf(o.ID, kind, services),
  };
}

/** Names of the services whose task template references the object. */
export function usersOf(id: string, kind: SwarmObjectKind, services: readonly ServiceRefs[]): string[] {
  const names = services
    .filter((s) => {
      const container = s.Spec?.TaskTemplate?.ContainerSpec;
      const refs =
        kind === 'secret' ? (container?.Secrets ?? []).map((r) => r.SecretID) : (container?.Configs ?? []).map((r) => r.ConfigID);
      return refs.includes(id);
    })
    .map((s) => s.Spec?.Name ?? '');
  return [...new Set(names)].sort();
}

/** Replaces every given value in a text; values shorter than 4 characters are left (they would garble the words). */
export function scrub(text: string, values: readonly string[]): string {
  let out = text;
  for (const v of values) if (v.length >= 4) out = out.split(v).join('…');
  return out;
}

export interface WriteRecord {
  activity: ActivityLog;
  topology: TopologyService;
  clusterId: string;
  cluster: string;
  /** The CLI spelling, with no secret value in it. */
  action: string;
  /** The object's name, for a CONFLICT's words. */
  name: string;
  /** Values that must not reach the log or the error even if Docker's words echoed them. */
  hide: readonly string[];
}

/**
 * One write to the swarm, with how it ended in the activity log: unknown when the link
 * dropped mid-way (and OUTCOME_UNKNOWN goes on up), a name conflict as CONFLICT, any
 * other refusal as DOCKER_REFUSED. The original error is not kept as the cause: its
 * text is Docker's and has not been scrubbed.
 */
export async function recordWrite(w: WriteRecord, run: () => Promise<unknown>): Promise<void> {
  const base = { cluster: w.cluster, host: null, action: w.action };
  try {
    await run();
    await w.activity.record({ ...base, result: 'ok', detail: '' });
  } catch (err) {
    const unknown = err instanceof CoreError && err.code === 'OUTCOME_UNKNOWN';
    const detail = scrub(err instanceof CoreError ? err.message : dockerMessage(err), w.hide);
    await w.activity.record({ ...base, result: unknown ? 'unknown' : 'failed', detail });
    if (err instanceof CoreError) throw err;
    if ((err as { statusCode?: number }).statusCode === 409)
      throw new CoreError('CONFLICT', `${w.name} exists already`, { params: { name: w.name } });
    throw new CoreError('DOCKER_REFUSED', `Docker refused: ${detail}`, { params: { detail } });
  } finally {
    w.topology.refresh(w.clusterId);
  }
}

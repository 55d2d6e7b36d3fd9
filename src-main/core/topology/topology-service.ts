import type { HealthWarning, TopologySnapshot } from '../../contract.js';
import type { ActivityLog } from '../activity/activity-log.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import type { EventBus } from '../events.js';
import { LiveTopology, type LiveTopologyOptions } from './live-topology.js';

/** Health warnings about a cluster that the swarm itself cannot say (sync: read on every refresh). */
export type HealthSource = (clusterId: string, now: number) => HealthWarning[];

/**
 * One live model per watched cluster, shared by every window that watches it
 * and stopped when the last one lets go.
 */
export class TopologyService {
  private readonly live = new Map<string, { model: Promise<LiveTopology>; watchers: number }>();
  private readonly healthSources: HealthSource[] = [];

  constructor(
    private readonly clusters: ClusterService,
    private readonly events: EventBus,
    private readonly activity: ActivityLog,
    private readonly options: LiveTopologyOptions = {},
  ) {}

  async watch(clusterId: string): Promise<TopologySnapshot> {
    const existing = this.live.get(clusterId);
    if (existing) {
      existing.watchers++;
      return (await existing.model).snapshot();
    }
    const model = this.open(clusterId);
    this.live.set(clusterId, { model, watchers: 1 });
    try {
      return (await model).snapshot();
    } catch (err) {
      this.live.delete(clusterId);
      throw err;
    }
  }

  async unwatch(clusterId: string): Promise<void> {
    const entry = this.live.get(clusterId);
    if (!entry || --entry.watchers > 0) return;
    this.live.delete(clusterId);
    (await entry.model.catch(() => null))?.stop();
  }

  /** Warnings from outside the swarm's own state (backups, the registry), added to each model's health. */
  addHealthSource(source: HealthSource): void {
    this.healthSources.push(source);
  }

  /** After an operation on the cluster: the map shows its effect at the next read, which is now. */
  refresh(clusterId: string): void {
    void this.live
      .get(clusterId)
      ?.model.then((m) => m.refreshNow())
      .catch(() => undefined);
  }

  private async open(clusterId: string): Promise<LiveTopology> {
    const { profile, link } = await this.clusters.linkOf(clusterId);
    const rotated = (): string | null =>
      this.activity
        .list(profile.name)
        .filter((e) => e.result === 'ok' && /join-token --rotate/.test(e.action))
        .at(-1)?.time ?? null;
    const model = new LiveTopology(
      clusterId,
      link,
      (diff) => this.events.emit('topology:diff', diff),
      (state, error) => this.events.emit('topology:status', { clusterId, state, ...(error ? { error } : {}) }),
      { tokensRotatedAt: rotated, extraWarnings: (now) => this.healthSources.flatMap((s) => s(clusterId, now)), ...this.options },
    );
    await model.start();
    return model;
  }
}

import { randomUUID } from 'node:crypto';
import type { ClusterProfile, CreateClusterInput, RemoveClusterInput, RenameClusterInput } from '../../contract.js';
import { CoreError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { DataFile } from './data-file.js';

/** Cluster profiles: a name, the hosts that make the swarm, and the operator's notes. */
export class ClusterProfiles {
  constructor(
    private readonly file: DataFile,
    private readonly events: EventBus,
  ) {}

  list(): ClusterProfile[] {
    return this.file.read().clusters;
  }

  async create(input: CreateClusterInput): Promise<ClusterProfile> {
    const created = await this.file.update((data) => {
      assertNameFree(data.clusters, input.name);
      const now = new Date().toISOString();
      const profile: ClusterProfile = {
        id: randomUUID(),
        name: input.name,
        hosts: input.hosts ?? [],
        swarmId: null,
        notes: input.notes ?? '',
        createdAt: now,
        updatedAt: now,
      };
      data.clusters.push(profile);
      return profile;
    });
    this.changed();
    return created;
  }

  async rename(input: RenameClusterInput): Promise<ClusterProfile> {
    const renamed = await this.file.update((data) => {
      const profile = findProfile(data.clusters, input.id);
      assertNameFree(
        data.clusters.filter((c) => c.id !== input.id),
        input.name,
      );
      profile.name = input.name;
      profile.updatedAt = new Date().toISOString();
      return profile;
    });
    this.changed();
    return renamed;
  }

  /**
   * The profile of a swarm the app made or adopted: found by the swarm's ID,
   * else by name when that profile knows no swarm yet; made when neither exists.
   * A name already used by another swarm's profile is a CONFLICT.
   */
  async saveForSwarm(input: { name: string; hosts: string[]; swarmId: string }): Promise<ClusterProfile> {
    const saved = await this.file.update((data) => {
      const now = new Date().toISOString();
      const wanted = input.name.toLocaleLowerCase();
      const existing =
        data.clusters.find((c) => c.swarmId === input.swarmId) ??
        data.clusters.find((c) => c.swarmId === null && c.name.toLocaleLowerCase() === wanted);
      if (existing) {
        existing.hosts = input.hosts;
        existing.swarmId = input.swarmId;
        existing.updatedAt = now;
        return existing;
      }
      assertNameFree(data.clusters, input.name);
      const profile: ClusterProfile = {
        id: randomUUID(),
        name: input.name,
        hosts: input.hosts,
        swarmId: input.swarmId,
        notes: '',
        createdAt: now,
        updatedAt: now,
      };
      data.clusters.push(profile);
      return profile;
    });
    this.changed();
    return saved;
  }

  async remove(input: RemoveClusterInput): Promise<void> {
    await this.file.update((data) => {
      findProfile(data.clusters, input.id);
      data.clusters = data.clusters.filter((c) => c.id !== input.id);
    });
    this.changed();
  }

  private changed(): void {
    this.events.emit('clusters:changed', { clusters: this.list() });
  }
}

function findProfile(clusters: ClusterProfile[], id: string): ClusterProfile {
  const profile = clusters.find((c) => c.id === id);
  if (!profile) throw new CoreError('NOT_FOUND', `No cluster with id ${id}`, { params: { id } });
  return profile;
}

function assertNameFree(clusters: ClusterProfile[], name: string): void {
  const wanted = name.toLocaleLowerCase();
  if (clusters.some((c) => c.name.toLocaleLowerCase() === wanted)) {
    throw new CoreError('CONFLICT', `A cluster named "${name}" exists already`, { params: { name } });
  }
}

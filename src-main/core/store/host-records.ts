import { randomUUID } from 'node:crypto';
import type { HostInput, HostRecord } from '../../contract.js';
import { CoreError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { DataFile } from './data-file.js';

/** The operator's hosts: how to reach each over SSH. No secret is ever part of a record. */
export class HostRecords {
  constructor(
    private readonly file: DataFile,
    private readonly events: EventBus,
  ) {}

  list(): HostRecord[] {
    return this.file.read().hosts;
  }

  get(id: string): HostRecord {
    const record = this.list().find((h) => h.id === id);
    if (!record) throw new CoreError('NOT_FOUND', `No host with id ${id}`, { params: { id } });
    return record;
  }

  byAlias(alias: string): HostRecord | undefined {
    return this.list().find((h) => h.alias === alias);
  }

  async save(input: HostInput): Promise<HostRecord> {
    const saved = await this.file.update((data) => {
      const others = data.hosts.filter((h) => h.id !== input.id);
      if (others.some((h) => h.alias.toLowerCase() === input.alias.toLowerCase())) {
        throw new CoreError('CONFLICT', `A host named "${input.alias}" exists already`, { params: { name: input.alias } });
      }
      for (const hop of input.jump) {
        if (!others.some((h) => h.alias === hop))
          throw new CoreError('NOT_FOUND', `No host named ${hop} to jump through`, { params: { id: hop } });
      }
      const record: HostRecord = { ...input, id: input.id ?? randomUUID() };
      const index = data.hosts.findIndex((h) => h.id === record.id);
      if (input.id !== undefined && index < 0)
        throw new CoreError('NOT_FOUND', `No host with id ${input.id}`, { params: { id: input.id } });
      if (index >= 0) data.hosts[index] = record;
      else data.hosts.push(record);
      return record;
    });
    this.changed();
    return saved;
  }

  async remove(id: string): Promise<void> {
    await this.file.update((data) => {
      const record = data.hosts.find((h) => h.id === id);
      if (!record) throw new CoreError('NOT_FOUND', `No host with id ${id}`, { params: { id } });
      const dependent = data.hosts.find((h) => h.jump.includes(record.alias));
      if (dependent) {
        throw new CoreError('CONFLICT', `${dependent.alias} jumps through ${record.alias}; change it first`, {
          params: { name: dependent.alias },
        });
      }
      data.hosts = data.hosts.filter((h) => h.id !== id);
    });
    this.changed();
  }

  private changed(): void {
    this.events.emit('hosts:changed', { hosts: this.list() });
  }
}

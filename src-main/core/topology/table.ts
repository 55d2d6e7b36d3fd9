import type { EntityDiff } from '../../contract.js';

/**
 * One entity kind, by ID. Each row keeps a stamp to tell a change from a
 * re-read: the record's JSON, or for tasks Docker's Version of the task
 * (bumped on every change), so 20,000 unchanged tasks cost a lookup each.
 */
export class Table<T extends { id: string }> {
  readonly rows = new Map<string, { value: T; stamp: string }>();

  /** Replaces the contents; returns what changed, or null when nothing did. */
  replace(values: readonly T[]): EntityDiff<T> | null {
    const upsert: T[] = [];
    const seen = new Set<string>();
    for (const value of values) {
      seen.add(value.id);
      // The very record the row holds (kept by the caller because nothing it is made of changed) is not compared.
      if (this.rows.get(value.id)?.value === value) continue;
      const json = JSON.stringify(value);
      if (this.rows.get(value.id)?.stamp !== json) {
        this.rows.set(value.id, { value, stamp: json });
        upsert.push(value);
      }
    }
    return this.diff(
      upsert,
      this.removeUnless((id) => seen.has(id)),
    );
  }

  /**
   * The same by Docker's Versions: a null value is the row as it stands. A
   * changed Version upserts only if the record differs, as `replace` would.
   */
  replaceVersioned<A>(entries: readonly Versioned<A>[], convert: (api: A) => T): EntityDiff<T> | null {
    const upsert: T[] = [];
    const seen = new Set<string>();
    for (const entry of entries) {
      seen.add(entry.id);
      this.putVersioned(entry, convert, upsert);
    }
    return this.diff(
      upsert,
      this.removeUnless((id) => seen.has(id)),
    );
  }

  /** One entry by its Version, as `replaceVersioned` takes it; a changed record is pushed to `upsert`. */
  putVersioned<A>(entry: Versioned<A>, convert: (api: A) => T, upsert: T[]): void {
    const old = this.rows.get(entry.id);
    if (entry.value === null || (old && old.stamp === entry.version && entry.version !== '')) return;
    const value = convert(entry.value);
    this.rows.set(entry.id, { value, stamp: entry.version });
    if (!old || JSON.stringify(old.value) !== JSON.stringify(value)) upsert.push(value);
  }

  /** Removes the rows `keep` says no to; returns their IDs. */
  removeUnless(keep: (id: string, value: T) => boolean): string[] {
    const remove: string[] = [];
    for (const [id, row] of this.rows) if (!keep(id, row.value)) remove.push(id);
    for (const id of remove) this.rows.delete(id);
    return remove;
  }

  get(id: string): T | undefined {
    return this.rows.get(id)?.value;
  }

  stamp(id: string): string | undefined {
    return this.rows.get(id)?.stamp;
  }

  values(): T[] {
    return [...this.rows.values()].map((r) => r.value);
  }

  diff(upsert: T[], remove: string[]): EntityDiff<T> | null {
    return upsert.length > 0 || remove.length > 0 ? { upsert, remove } : null;
  }
}

/** An entry of a Docker list as skim.ts reads it: a null value is known at that Version. */
export interface Versioned<A> {
  id: string;
  version: string;
  value: A | null;
}

/** setTimeout's limit (2^31-1 ms, about 24.8 days): a longer wait is taken in steps. */
const MAX_DELAY_MS = 2_147_483_647;

/**
 * One timer per cluster for its next routine backup. Timers are unref'd: a pending backup never
 * keeps the process alive on its own.
 */
export class BackupTimers {
  private readonly armed = new Map<string, { at: Date; timer: NodeJS.Timeout }>();

  constructor(private readonly onDue: (clusterId: string) => Promise<void>) {}

  at(clusterId: string): Date | null {
    return this.armed.get(clusterId)?.at ?? null;
  }

  set(clusterId: string, at: Date): void {
    this.cancel(clusterId);
    const wait = Math.min(Math.max(at.getTime() - Date.now(), 0), MAX_DELAY_MS);
    const timer = setTimeout(() => {
      if (Date.now() < at.getTime()) return this.set(clusterId, at);
      this.armed.delete(clusterId);
      void this.onDue(clusterId);
    }, wait);
    timer.unref();
    this.armed.set(clusterId, { at, timer });
  }

  cancel(clusterId: string): void {
    const current = this.armed.get(clusterId);
    if (current) clearTimeout(current.timer);
    this.armed.delete(clusterId);
  }

  clear(): void {
    for (const clusterId of [...this.armed.keys()]) this.cancel(clusterId);
  }
}

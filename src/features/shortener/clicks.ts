import type { Store } from "../../store/store.ts";

/**
 * Counts redirects in memory and writes them in batches: one short transaction per second for every
 * short URL followed meanwhile, instead of a write lock per redirect on the hot path. A process adds
 * its own pending clicks when it reports a count, so a count is exact in the process that answers
 * and at most one flush interval behind for the others. Pending clicks are written on close.
 */
export class ClickBuffer {
  private pending = new Map<string, number>();
  private readonly store: Pick<Store, "shortener">;
  private readonly onError: (err: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private static readonly MAX_PENDING_IDS = 10_000;

  constructor(store: Pick<Store, "shortener">, onError: (err: unknown) => void, intervalMs = 1000) {
    this.store = store;
    this.onError = onError;
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  record(id: string): void {
    this.pending.set(id, (this.pending.get(id) ?? 0) + 1);
    // Bounded memory under a flood of distinct ids: flush early.
    if (this.pending.size >= ClickBuffer.MAX_PENDING_IDS) void this.flush();
  }

  pendingFor(id: string): number {
    return this.pending.get(id) ?? 0;
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.store.shortener.addClicks(batch);
    } catch (err) {
      // Keep the counts for the next attempt.
      for (const [id, n] of batch) this.pending.set(id, (this.pending.get(id) ?? 0) + n);
      this.onError(err);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

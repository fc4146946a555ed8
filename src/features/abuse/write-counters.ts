/**
 * The counters every write passes through (the per-address write quota, the refused requests given
 * back to it, content dedup), counted in process and written to the store in batches: one
 * transaction for all of them every FLUSH_MS, instead of a commit of their own for every write.
 *
 * Still shared across processes and hosts: a batch's upserts return the store's counts, all
 * processes' increments included, and a key with nothing pending here is read from the store again
 * once what this process knows of it is FLUSH_MS old (or a batch was written since). The slack,
 * stated: a process knows the others' increments as of at most FLUSH_MS ago, and theirs wait up to
 * FLUSH_MS to be written, so an address spreading its writes over several processes may get, beyond
 * its limit, what the others admitted in the last 2 × FLUSH_MS; on one process the count is exact. Increments not yet written when a process
 * dies (at most FLUSH_MS of them) are lost; a graceful stop writes them.
 */
import { performance } from "node:perf_hooks";
import type { Store } from "../../store/store.ts";

/** How long an increment may wait in memory before its batch is written. */
export const FLUSH_MS = 50;

interface Count {
  readonly windowStart: number;
  readonly expiresAt: number;
  /** The store's count as of the last batch or read of this key in this window. */
  stored: number;
  /** Increments made here and not yet written. */
  pending: number;
  /** When `stored` was taken from the store (performance.now()); -Infinity: to be taken again. */
  syncedAt: number;
}

export class WriteCounters {
  private readonly store: Pick<Store, "abuse">;
  private readonly onError: (err: unknown) => void;
  private readonly counts = new Map<string, Count>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(store: Pick<Store, "abuse">, onError: (err: unknown) => void) {
    this.store = store;
    this.onError = onError;
  }

  /**
   * Counts one more for `key` in the window starting at `windowStart` and returns the count: at
   * once when this window's count of the key is known here, else once the store has told it.
   */
  increment(key: string, windowStart: number, expiresAt: number): number | Promise<number> {
    const known = this.known(key, windowStart, expiresAt);
    if (known instanceof Promise) return known.then(() => this.increment(key, windowStart, expiresAt));
    known.pending++;
    this.schedule();
    return known.stored + known.pending;
  }

  /** The count for `key` in the window (0 when none), as `increment` knows it. */
  read(key: string, windowStart: number, expiresAt: number): number | Promise<number> {
    const known = this.known(key, windowStart, expiresAt);
    if (known instanceof Promise) return known.then((c) => c.stored + c.pending);
    return known.stored + known.pending;
  }

  /** This window's count of `key`: from memory while fresh (or pending here), else from the store. */
  private known(key: string, windowStart: number, expiresAt: number): Count | Promise<Count> {
    const current = this.counts.get(key);
    const fresh = current !== undefined && current.windowStart === windowStart;
    if (fresh && (current.pending > 0 || performance.now() - current.syncedAt < FLUSH_MS)) return current;
    const asked = performance.now();
    return this.store.abuse.readCounter(key, windowStart).then((stored) => {
      const again = this.counts.get(key);
      if (again && again.windowStart === windowStart) {
        // Increments made meanwhile are pending here, not in what the store said.
        if (again.pending === 0) {
          again.stored = stored;
          again.syncedAt = asked;
        }
        return again;
      }
      const count: Count = { windowStart, expiresAt, stored, pending: 0, syncedAt: asked };
      this.counts.set(key, count);
      return count;
    });
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_MS);
  }

  /** Writes what is pending in one transaction; forgets keys whose window has ended. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write()).catch(this.onError);
    return this.flushing;
  }

  private async write(): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    const batch: { key: string; count: Count; n: number }[] = [];
    for (const [key, count] of this.counts) {
      if (count.pending > 0) batch.push({ key, count, n: count.pending });
      else if (count.expiresAt <= now) this.counts.delete(key);
      // What others wrote may have changed it: asked again at its next use.
      else count.syncedAt = Number.NEGATIVE_INFINITY;
    }
    if (batch.length === 0) return;
    const asked = performance.now();
    const stored = await this.store.abuse.addToCounters(
      batch.map(({ key, count, n }) => ({
        key,
        windowStart: count.windowStart,
        expiresAt: count.expiresAt,
        n,
      })),
    );
    for (const [i, { count, n }] of batch.entries()) {
      count.pending -= n;
      count.stored = stored[i] ?? count.stored + n;
      count.syncedAt = asked;
    }
  }

  /** Writes the last increments: before the store closes. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

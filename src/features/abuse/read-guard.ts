/**
 * The ID-enumeration guard: an address that collects RATE_NOTFOUND_MAX 404s in a window has its
 * reads refused until the window ends. The 404s are counted in the store, where they happen, so
 * every process and host counts together; the block, once reached, is written to the store too
 * (read_blocks) and kept by each process in memory. A read asks only that memory, which each process
 * takes again from the store at most a second after it last did: a successful read costs no query.
 *
 * The slack, stated: the process that counts an address's last allowed 404 refuses its next read at
 * once; another process, until it next takes the blocks again (at most a second), still answers
 * it, and the first such answer that is a 404 brings the block to that process too.
 */
import { performance } from "node:perf_hooks";
import type { AbuseDeps } from "./pow.usecases.ts";

/** How long a process's knowledge of the blocks other processes wrote may be old. */
export const BLOCKS_REFRESH_MS = 1000;

export class ReadGuard {
  private readonly deps: AbuseDeps;
  private window = Number.NaN;
  private blocked = new Set<string>();
  /** When the current window's blocks were last asked of the store (performance.now()). */
  private askedAt = Number.NEGATIVE_INFINITY;
  private asking: { window: number; done: Promise<void> } | undefined;

  constructor(deps: AbuseDeps) {
    this.deps = deps;
  }

  /**
   * Whether `key`'s reads are refused in the window starting at `windowStart`: answered from memory
   * (synchronously) while it is fresh, else once the store has been asked again.
   */
  isBlocked(key: string, windowStart: number): boolean | Promise<boolean> {
    this.enter(windowStart);
    if (performance.now() - this.askedAt < BLOCKS_REFRESH_MS) return this.blocked.has(key);
    return this.ask(windowStart).then(() => this.blocked.has(key));
  }

  /** Counts a 404 for `key`; the one that reaches the limit blocks its reads, here and in the store. */
  async notFound(key: string, windowStart: number, windowEnd: number): Promise<void> {
    const { store, config } = this.deps;
    const count = await store.abuse.incrementCounter(`404:${key}`, windowStart, windowEnd);
    if (count < config.rateNotFoundMax) return;
    this.enter(windowStart);
    if (this.window === windowStart) this.blocked.add(key);
    await store.abuse.blockReads(key, windowStart, windowEnd);
  }

  private enter(windowStart: number): void {
    if (windowStart === this.window) return;
    this.window = windowStart;
    this.blocked = new Set();
    this.askedAt = Number.NEGATIVE_INFINITY;
  }

  /** Takes the window's blocks from the store again; callers meanwhile share the one query. */
  private ask(windowStart: number): Promise<void> {
    if (this.asking?.window === windowStart) return this.asking.done;
    const started = performance.now();
    const done = this.deps.store.abuse.readBlocks(windowStart).then((keys) => {
      if (this.window !== windowStart) return;
      for (const key of keys) this.blocked.add(key);
      this.askedAt = started;
    });
    const asking = { window: windowStart, done };
    this.asking = asking;
    void done
      .finally(() => {
        if (this.asking === asking) this.asking = undefined;
      })
      .catch(() => undefined);
    return done;
  }
}

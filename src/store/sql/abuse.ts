import type { AbuseStore } from "../store.types.ts";
import { type Driver, get, run } from "./driver.ts";

/** The statements of the abuse defences, prepared once. */
function prepare(db: Driver) {
  return {
    insertSecret: db.prepare(
      "INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
    ),
    selectSecret: db.prepare("SELECT value FROM secrets WHERE name = ?"),
    consumeNonce: db.prepare(
      "INSERT INTO pow_nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING",
    ),
    incrementCounter: db.prepare(
      `INSERT INTO counters (key, window_start, expires_at, count) VALUES (?, ?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN counters.window_start = excluded.window_start THEN counters.count + 1 ELSE 1 END,
         window_start = excluded.window_start,
         expires_at = excluded.expires_at
       RETURNING count`,
    ),
    addToCounter: db.prepare(
      `INSERT INTO counters (key, window_start, expires_at, count) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN counters.window_start = excluded.window_start THEN counters.count + excluded.count ELSE excluded.count END,
         window_start = excluded.window_start,
         expires_at = excluded.expires_at
       RETURNING count`,
    ),
    readCounter: db.prepare("SELECT count FROM counters WHERE key = ? AND window_start = ?"),
    lockKey: db.dialect.lockKey === undefined ? undefined : db.prepare(db.dialect.lockKey),
    readState: db.prepare("SELECT value FROM shared_state WHERE key = ?"),
    writeState: db.prepare(
      "INSERT INTO shared_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ),
    deleteNonces: db.prepare(
      "DELETE FROM pow_nonces WHERE nonce IN (SELECT nonce FROM pow_nonces WHERE expires_at <= ? LIMIT ?)",
    ),
    blockReads: db.prepare(
      `INSERT INTO read_blocks (key, window_start, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start, expires_at = excluded.expires_at`,
    ),
    readBlocks: db.prepare("SELECT key FROM read_blocks WHERE window_start = ?"),
    deleteBlocks: db.prepare(
      "DELETE FROM read_blocks WHERE key IN (SELECT key FROM read_blocks WHERE expires_at <= ? LIMIT ?)",
    ),
    deleteCounters: db.prepare(
      "DELETE FROM counters WHERE key IN (SELECT key FROM counters WHERE expires_at <= ? LIMIT ?)",
    ),
  };
}

/** What the abuse defences keep: secrets, single-use nonces, windowed counters, shared state. */
export class SqlAbuse implements AbuseStore {
  private readonly db: Driver;
  private readonly q: ReturnType<typeof prepare>;

  constructor(db: Driver) {
    this.db = db;
    this.q = prepare(db);
  }

  async getOrCreateSecret(name: string, candidate: string, now: number): Promise<string> {
    await this.q.insertSecret.run(name, candidate, now);
    return (await this.q.selectSecret.get(name))?.value as string;
  }

  async consumeNonce(nonce: string, expiresAt: number): Promise<boolean> {
    return (await this.q.consumeNonce.run(nonce, expiresAt)) === 1;
  }

  async incrementCounter(key: string, windowStart: number, expiresAt: number): Promise<number> {
    return Number((await this.q.incrementCounter.get(key, windowStart, expiresAt))?.count);
  }

  addToCounters(
    entries: readonly { key: string; windowStart: number; expiresAt: number; n: number }[],
  ): Promise<number[]> {
    const { addToCounter } = this.q;
    return this.db.transaction(function* () {
      const counts: number[] = [];
      for (const e of entries) {
        counts.push(Number((yield* get(addToCounter, e.key, e.windowStart, e.expiresAt, e.n))?.count));
      }
      return counts;
    });
  }

  async readCounter(key: string, windowStart: number): Promise<number> {
    return Number((await this.q.readCounter.get(key, windowStart))?.count ?? 0);
  }

  updateState<T>(key: string, update: (current: T | undefined) => T): Promise<T> {
    const { lockKey, readState, writeState } = this.q;
    // No other process reads the old value between this read and this write.
    return this.db.transaction(function* () {
      if (lockKey) yield* get(lockKey, `state:${key}`);
      const row = yield* get(readState, key);
      const next = update(row ? (JSON.parse(row.value as string) as T) : undefined);
      yield* run(writeState, key, JSON.stringify(next));
      return next;
    });
  }

  async readState<T>(key: string): Promise<T | undefined> {
    const row = await this.q.readState.get(key);
    return row ? (JSON.parse(row.value as string) as T) : undefined;
  }

  async blockReads(key: string, windowStart: number, expiresAt: number): Promise<void> {
    await this.q.blockReads.run(key, windowStart, expiresAt);
  }

  async readBlocks(windowStart: number): Promise<string[]> {
    return (await this.q.readBlocks.all(windowStart)).map((row) => row.key as string);
  }

  async deleteExpiredEphemera(now: number, limit: number): Promise<number> {
    const nonces = await this.q.deleteNonces.run(now, limit);
    const counters = await this.q.deleteCounters.run(now, limit);
    return nonces + counters + (await this.q.deleteBlocks.run(now, limit));
  }
}

import type { DatabaseSync } from "node:sqlite";
import type { Row } from "../rows.ts";
import type { Immediate } from "./sqlite.common.ts";

/** The statements of SqliteAbuse, prepared once per process. */
function prepareAbuse(db: DatabaseSync) {
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
    readCounter: db.prepare("SELECT count FROM counters WHERE key = ? AND window_start = ?"),
    readState: db.prepare("SELECT value FROM shared_state WHERE key = ?"),
    writeState: db.prepare(
      "INSERT INTO shared_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ),
    deleteNonces: db.prepare(
      "DELETE FROM pow_nonces WHERE nonce IN (SELECT nonce FROM pow_nonces WHERE expires_at <= ? LIMIT ?)",
    ),
    deleteCounters: db.prepare(
      "DELETE FROM counters WHERE key IN (SELECT key FROM counters WHERE expires_at <= ? LIMIT ?)",
    ),
  };
}

type AbuseStatements = ReturnType<typeof prepareAbuse>;

/** What the abuse defences keep (secrets, single-use nonces, windowed counters, shared state), on SQLite. */
export class SqliteAbuse {
  private readonly stmt: AbuseStatements;
  private readonly immediate: Immediate;

  constructor(db: DatabaseSync, immediate: Immediate) {
    this.stmt = prepareAbuse(db);
    this.immediate = immediate;
  }

  async getOrCreateSecret(name: string, candidate: string, now: number): Promise<string> {
    this.stmt.insertSecret.run(name, candidate, now);
    return (this.stmt.selectSecret.get(name) as Row).value as string;
  }

  async consumeNonce(nonce: string, expiresAt: number): Promise<boolean> {
    return Number(this.stmt.consumeNonce.run(nonce, expiresAt).changes) === 1;
  }

  async incrementCounter(key: string, windowStart: number, expiresAt: number): Promise<number> {
    return Number((this.stmt.incrementCounter.get(key, windowStart, expiresAt) as Row).count);
  }

  async readCounter(key: string, windowStart: number): Promise<number> {
    const row = this.stmt.readCounter.get(key, windowStart) as Row | undefined;
    return row ? Number(row.count) : 0;
  }

  async updateState<T>(key: string, update: (current: T | undefined) => T): Promise<T> {
    // No other process reads the old value between our read and our write.
    return this.immediate(() => {
      const next = update(this.readStateSync<T>(key));
      this.stmt.writeState.run(key, JSON.stringify(next));
      return next;
    });
  }

  async readState<T>(key: string): Promise<T | undefined> {
    return this.readStateSync<T>(key);
  }

  private readStateSync<T>(key: string): T | undefined {
    const row = this.stmt.readState.get(key) as Row | undefined;
    return row ? (JSON.parse(row.value as string) as T) : undefined;
  }

  async deleteExpiredEphemera(now: number, limit: number): Promise<number> {
    const nonces = Number(this.stmt.deleteNonces.run(now, limit).changes);
    return nonces + Number(this.stmt.deleteCounters.run(now, limit).changes);
  }
}

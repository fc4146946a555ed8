import type { PgSql } from "./postgres.common.ts";

/** What the abuse defences keep (secrets, single-use nonces, windowed counters, shared state), on PostgreSQL. */
export class PostgresAbuse {
  private readonly db: PgSql;

  constructor(db: PgSql) {
    this.db = db;
  }

  async getOrCreateSecret(name: string, candidate: string, now: number): Promise<string> {
    await this.db.run(
      "INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
      [name, candidate, now],
    );
    return (await this.db.one("SELECT value FROM secrets WHERE name = ?", [name]))?.value as string;
  }

  async consumeNonce(nonce: string, expiresAt: number): Promise<boolean> {
    const sql = "INSERT INTO pow_nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING";
    return (await this.db.run(sql, [nonce, expiresAt])) === 1;
  }

  async incrementCounter(key: string, windowStart: number, expiresAt: number): Promise<number> {
    const row = await this.db.one(
      `INSERT INTO counters (key, window_start, expires_at, count) VALUES (?, ?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN counters.window_start = excluded.window_start THEN counters.count + 1 ELSE 1 END,
         window_start = excluded.window_start,
         expires_at = excluded.expires_at
       RETURNING count`,
      [key, windowStart, expiresAt],
    );
    return Number(row?.count);
  }

  async readCounter(key: string, windowStart: number): Promise<number> {
    const row = await this.db.one("SELECT count FROM counters WHERE key = ? AND window_start = ?", [
      key,
      windowStart,
    ]);
    return row ? Number(row.count) : 0;
  }

  async updateState<T>(key: string, update: (current: T | undefined) => T): Promise<T> {
    // The advisory lock serializes every read-modify-write of this key across all processes, also
    // while the row does not exist yet (FOR UPDATE could not lock a missing row).
    return this.db.tx(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`state:${key}`]);
      const row = (await this.db.q("SELECT value FROM shared_state WHERE key = ?", [key], c))[0];
      const next = update(row ? (JSON.parse(row.value as string) as T) : undefined);
      await this.db.q(
        "INSERT INTO shared_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, JSON.stringify(next)],
        c,
      );
      return next;
    });
  }

  async readState<T>(key: string): Promise<T | undefined> {
    const row = await this.db.one("SELECT value FROM shared_state WHERE key = ?", [key]);
    return row ? (JSON.parse(row.value as string) as T) : undefined;
  }

  async deleteExpiredEphemera(now: number, limit: number): Promise<number> {
    const nonces = await this.db.run(
      "DELETE FROM pow_nonces WHERE nonce IN (SELECT nonce FROM pow_nonces WHERE expires_at <= ? LIMIT ?)",
      [now, limit],
    );
    const counters = await this.db.run(
      "DELETE FROM counters WHERE key IN (SELECT key FROM counters WHERE expires_at <= ? LIMIT ?)",
      [now, limit],
    );
    return nonces + counters;
  }
}

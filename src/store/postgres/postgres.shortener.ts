import { SHORT_COLUMNS, toShortUrl } from "../rows.ts";
import type { NewShortUrl, Page, ShortUrlRecord } from "../store.types.ts";
import { ownedPage, type PgSql } from "./postgres.common.ts";

/** Short URLs, their batched clicks and their owners' listings, on PostgreSQL. */
export class PostgresShortener {
  private readonly db: PgSql;

  constructor(db: PgSql) {
    this.db = db;
  }

  async insertShortUrl(u: NewShortUrl): Promise<boolean> {
    const sql =
      "INSERT INTO short_urls (id, target, owner, created_at, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
    return (await this.db.run(sql, [u.id, u.target, u.owner, u.createdAt, u.expiresAt])) === 1;
  }

  async findShortUrl(id: string, now: number): Promise<ShortUrlRecord | undefined> {
    const row = await this.db.one(
      `SELECT ${SHORT_COLUMNS} FROM short_urls WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)`,
      [id, now],
    );
    return row ? toShortUrl(row) : undefined;
  }

  async addClicks(clicks: ReadonlyMap<string, number>): Promise<void> {
    if (clicks.size === 0) return;
    // One statement for the whole batch.
    await this.db.run(
      "UPDATE short_urls SET clicks = short_urls.clicks + c.n FROM unnest(?::text[], ?::bigint[]) AS c(id, n) WHERE short_urls.id = c.id",
      [[...clicks.keys()], [...clicks.values()]],
    );
  }

  async deleteShortUrl(id: string): Promise<boolean> {
    return (await this.db.run("DELETE FROM short_urls WHERE id = ?", [id])) === 1;
  }

  listShortUrls(
    owner: string | null,
    now: number,
    limit: number,
    offset: number,
  ): Promise<Page<ShortUrlRecord>> {
    return ownedPage(
      this.db,
      {
        table: "short_urls",
        columns: SHORT_COLUMNS,
        live: "(expires_at IS NULL OR expires_at > ?)",
        map: toShortUrl,
      },
      { owner, now, limit, offset },
    );
  }

  async deleteExpiredShortUrls(now: number, limit: number): Promise<number> {
    return this.db.run(
      "DELETE FROM short_urls WHERE id IN (SELECT id FROM short_urls WHERE expires_at <= ? LIMIT ?)",
      [now, limit],
    );
  }
}

import type { NewShortUrl, Page, ShortenerStore, ShortUrlRecord } from "../store.types.ts";
import type { Driver } from "./driver.ts";
import { ownedPage, preparePage, SHORT_COLUMNS, toShortUrl } from "./rows.ts";

const LIVE = "(expires_at IS NULL OR expires_at > ?)";

/** The statements of the short URLs, prepared once. */
function prepare(db: Driver) {
  return {
    insert: db.prepare(
      "INSERT INTO short_urls (id, target, owner, created_at, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    ),
    // A quarantined short URL is found whatever its expiry: it answers 451, kept for the admin.
    find: db.prepare(
      `SELECT ${SHORT_COLUMNS} FROM short_urls WHERE id = ? AND (${LIVE} OR quarantined_at IS NOT NULL)`,
    ),
    // A whole batch in one statement: its (id, clicks) pairs as one JSON object.
    addClicks: db.prepare(
      `UPDATE short_urls SET clicks = short_urls.clicks + CAST(c.value AS BIGINT)
       FROM ${db.dialect.jsonPairs} AS c WHERE short_urls.id = c.key`,
    ),
    delete: db.prepare("DELETE FROM short_urls WHERE id = ?"),
    list: preparePage(db, "short_urls", SHORT_COLUMNS, LIVE),
    deleteExpired: db.prepare(
      "DELETE FROM short_urls WHERE id IN (SELECT id FROM short_urls WHERE expires_at <= ? AND quarantined_at IS NULL LIMIT ?)",
    ),
  };
}

/** Short URLs, their batched clicks and their owners' listings. */
export class SqlShortener implements ShortenerStore {
  private readonly q: ReturnType<typeof prepare>;

  constructor(db: Driver) {
    this.q = prepare(db);
  }

  async insertShortUrl(u: NewShortUrl): Promise<boolean> {
    return (await this.q.insert.run(u.id, u.target, u.owner, u.createdAt, u.expiresAt)) === 1;
  }

  async findShortUrl(id: string, now: number): Promise<ShortUrlRecord | undefined> {
    const row = await this.q.find.get(id, now);
    return row ? toShortUrl(row) : undefined;
  }

  async addClicks(clicks: ReadonlyMap<string, number>): Promise<void> {
    if (clicks.size > 0) await this.q.addClicks.run(JSON.stringify(Object.fromEntries(clicks)));
  }

  async deleteShortUrl(id: string): Promise<boolean> {
    return (await this.q.delete.run(id)) === 1;
  }

  listShortUrls(
    owner: string | null,
    now: number,
    limit: number,
    offset: number,
  ): Promise<Page<ShortUrlRecord>> {
    return ownedPage(this.q.list, toShortUrl, { owner, now, limit, offset });
  }

  deleteExpiredShortUrls(now: number, limit: number): Promise<number> {
    return this.q.deleteExpired.run(now, limit);
  }
}

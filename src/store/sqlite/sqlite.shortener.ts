import type { DatabaseSync } from "node:sqlite";
import { type Row, SHORT_COLUMNS, toShortUrl } from "../rows.ts";
import type { NewShortUrl, Page, ShortUrlRecord } from "../store.types.ts";
import { type Immediate, ownedPage } from "./sqlite.common.ts";

/** The statements of SqliteShortener, prepared once per process. */
function prepareShortener(db: DatabaseSync) {
  return {
    insertShort: db.prepare(
      `INSERT INTO short_urls (id, target, owner, created_at, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    findShort: db.prepare(
      `SELECT ${SHORT_COLUMNS} FROM short_urls WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)`,
    ),
    addClicks: db.prepare("UPDATE short_urls SET clicks = clicks + ? WHERE id = ?"),
    deleteShort: db.prepare("DELETE FROM short_urls WHERE id = ?"),
    listShort: db.prepare(
      `SELECT ${SHORT_COLUMNS} FROM short_urls WHERE (owner = ? OR ? IS NULL) AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at DESC, id LIMIT ? OFFSET ?`,
    ),
    countShort: db.prepare(
      "SELECT COUNT(*) AS n FROM short_urls WHERE (owner = ? OR ? IS NULL) AND (expires_at IS NULL OR expires_at > ?)",
    ),
    deleteExpiredShort: db.prepare(
      "DELETE FROM short_urls WHERE id IN (SELECT id FROM short_urls WHERE expires_at <= ? LIMIT ?)",
    ),
  };
}

type ShortenerStatements = ReturnType<typeof prepareShortener>;

/** Short URLs, their batched clicks and their owners' listings, on SQLite. */
export class SqliteShortener {
  private readonly stmt: ShortenerStatements;
  private readonly immediate: Immediate;

  constructor(db: DatabaseSync, immediate: Immediate) {
    this.stmt = prepareShortener(db);
    this.immediate = immediate;
  }

  async insertShortUrl(u: NewShortUrl): Promise<boolean> {
    const result = this.stmt.insertShort.run(u.id, u.target, u.owner, u.createdAt, u.expiresAt);
    return Number(result.changes) === 1;
  }

  async findShortUrl(id: string, now: number): Promise<ShortUrlRecord | undefined> {
    const row = this.stmt.findShort.get(id, now) as Row | undefined;
    return row ? toShortUrl(row) : undefined;
  }

  async addClicks(clicks: ReadonlyMap<string, number>): Promise<void> {
    if (clicks.size === 0) return;
    this.immediate(() => {
      for (const [id, n] of clicks) this.stmt.addClicks.run(n, id);
    });
  }

  async deleteShortUrl(id: string): Promise<boolean> {
    return Number(this.stmt.deleteShort.run(id).changes) === 1;
  }

  async listShortUrls(
    owner: string | null,
    now: number,
    limit: number,
    offset: number,
  ): Promise<Page<ShortUrlRecord>> {
    return ownedPage(
      { list: this.stmt.listShort, count: this.stmt.countShort, map: toShortUrl },
      { owner, now, limit, offset },
    );
  }

  async deleteExpiredShortUrls(now: number, limit: number): Promise<number> {
    return Number(this.stmt.deleteExpiredShort.run(now, limit).changes);
  }
}

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import type { NewPaste, PasteForRead, PasteMeta, Store } from "../store.types.ts";
import { sqliteMigrations } from "./sqlite.migrations.ts";

type Row = Record<string, SQLInputValue>;

// Columns in table order: content comes last, so a metadata read never touches its overflow pages.
const META_COLUMNS =
  "id, owner, mime_type, size, created_at, expires_at, idle_ttl, burn_after_read, password_hash";

function toMeta(row: Row): PasteMeta {
  return {
    id: row.id as string,
    owner: (row.owner as string | null) ?? null,
    mimeType: row.mime_type as string,
    size: Number(row.size),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    idleTtl: row.idle_ttl === null ? null : Number(row.idle_ttl),
    burnAfterRead: Number(row.burn_after_read) === 1,
    passwordHash: (row.password_hash as string | null) ?? null,
  };
}

/** The embedded default: node:sqlite in WAL mode, every statement prepared once. */
export class SqliteStore implements Store {
  readonly backend = "sqlite";
  private readonly db: DatabaseSync;
  private readonly stmt: Record<
    "insert" | "find" | "read" | "content" | "burn" | "touch" | "delete" | "deleteExpired" | "ping",
    StatementSync
  >;

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    // busy_timeout first: another process may hold the write lock while this one starts.
    this.db.exec("PRAGMA busy_timeout = 5000");
    this.db.exec("PRAGMA journal_mode = WAL");
    this.db.exec("PRAGMA synchronous = NORMAL");
    this.db.exec("PRAGMA foreign_keys = ON");
    this.migrate();
    const live = "id = ? AND expires_at > ?";
    this.stmt = {
      insert: this.db.prepare(
        `INSERT INTO pastes (${META_COLUMNS}, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      ),
      find: this.db.prepare(`SELECT ${META_COLUMNS} FROM pastes WHERE ${live}`),
      read: this.db.prepare(
        `SELECT ${META_COLUMNS}, CASE WHEN password_hash IS NULL AND burn_after_read = 0 THEN content END AS content FROM pastes WHERE ${live}`,
      ),
      content: this.db.prepare(`SELECT content FROM pastes WHERE ${live}`),
      burn: this.db.prepare(`DELETE FROM pastes WHERE ${live} RETURNING content`),
      touch: this.db.prepare(
        "UPDATE pastes SET expires_at = ? WHERE id = ? AND idle_ttl IS NOT NULL AND expires_at < ?",
      ),
      delete: this.db.prepare("DELETE FROM pastes WHERE id = ?"),
      deleteExpired: this.db.prepare(
        "DELETE FROM pastes WHERE id IN (SELECT id FROM pastes WHERE expires_at <= ? LIMIT ?)",
      ),
      ping: this.db.prepare("SELECT 1 AS ok"),
    };
  }

  private migrate(): void {
    this.db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    );
    for (const migration of sqliteMigrations) {
      // BEGIN IMMEDIATE takes the write lock up front: of several processes starting at once, one
      // applies each migration and the others see it applied.
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const done = this.db
          .prepare("SELECT 1 FROM schema_migrations WHERE version = ?")
          .get(migration.version);
        if (!done) {
          this.db.exec(migration.sql);
          this.db
            .prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)")
            .run(migration.version, Math.floor(Date.now() / 1000));
        }
        this.db.exec("COMMIT");
      } catch (err) {
        this.db.exec("ROLLBACK");
        throw err;
      }
    }
  }

  async insertPaste(p: NewPaste): Promise<boolean> {
    const result = this.stmt.insert.run(
      p.id,
      p.owner,
      p.mimeType,
      p.size,
      p.createdAt,
      p.expiresAt,
      p.idleTtl,
      p.burnAfterRead ? 1 : 0,
      p.passwordHash,
      p.content,
    );
    return Number(result.changes) === 1;
  }

  async findPaste(id: string, now: number): Promise<PasteMeta | undefined> {
    const row = this.stmt.find.get(id, now) as Row | undefined;
    return row ? toMeta(row) : undefined;
  }

  async readPaste(id: string, now: number): Promise<PasteForRead | undefined> {
    const row = this.stmt.read.get(id, now) as Row | undefined;
    if (!row) return undefined;
    return { ...toMeta(row), content: (row.content as Uint8Array | null) ?? undefined };
  }

  async readContent(id: string, now: number): Promise<Uint8Array | undefined> {
    const row = this.stmt.content.get(id, now) as Row | undefined;
    return row ? (row.content as Uint8Array) : undefined;
  }

  async burnPaste(id: string, now: number): Promise<Uint8Array | undefined> {
    const row = this.stmt.burn.get(id, now) as Row | undefined;
    return row ? (row.content as Uint8Array) : undefined;
  }

  async touchPaste(id: string, expiresAt: number): Promise<void> {
    this.stmt.touch.run(expiresAt, id, expiresAt);
  }

  async deletePaste(id: string): Promise<boolean> {
    return Number(this.stmt.delete.run(id).changes) === 1;
  }

  async deleteExpiredPastes(now: number, limit: number): Promise<number> {
    return Number(this.stmt.deleteExpired.run(now, limit).changes);
  }

  async ping(): Promise<void> {
    this.stmt.ping.get();
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}

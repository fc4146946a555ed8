import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { backup, DatabaseSync, type StatementSync } from "node:sqlite";
import { ComposedStore, type StoreParts } from "../store.parts.ts";
import { SqliteAbuse } from "./sqlite.abuse.ts";
import { SqliteAccounts } from "./sqlite.accounts.ts";
import { SqliteFunctions } from "./sqlite.functions.ts";
import { sqliteMigrations } from "./sqlite.migrations.ts";
import { SqlitePastes } from "./sqlite.pastes.ts";
import { SqlitePki } from "./sqlite.pki.ts";
import { SqliteShortener } from "./sqlite.shortener.ts";

function retryWhileLocked(action: () => void, timeoutMs = 10_000): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      action();
      return;
    } catch (err) {
      if (!/database is locked/.test(String(err)) || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/**
 * The embedded default: node:sqlite in WAL mode, every statement prepared once, in the part of the
 * store of the feature that runs it (sqlite.<feature>.ts); this class opens, migrates and closes.
 */
export class SqliteStore extends ComposedStore {
  override readonly backend = "sqlite";
  protected override readonly parts: StoreParts;
  private readonly db: DatabaseSync;
  private readonly pingStatement: StatementSync;

  private readonly path: string;
  /** The read-only connections of image downloads in progress (streamImages). */
  private readonly readers = new Set<DatabaseSync>();

  constructor(path: string) {
    super();
    this.path = path;
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    // busy_timeout first: another process may hold the write lock while this one starts.
    this.db.exec("PRAGMA busy_timeout = 5000");
    // Switching to WAL takes an exclusive lock and, unlike other statements, does not wait on the
    // busy timeout: when processes start together, retry for a while.
    retryWhileLocked(() => this.db.exec("PRAGMA journal_mode = WAL"));
    this.db.exec("PRAGMA synchronous = NORMAL");
    this.db.exec("PRAGMA foreign_keys = ON");
    this.migrate();
    const immediate = <T>(fn: () => T): T => this.immediate(fn);
    this.parts = {
      pastes: new SqlitePastes(this.db, immediate),
      abuse: new SqliteAbuse(this.db, immediate),
      shortener: new SqliteShortener(this.db, immediate),
      accounts: new SqliteAccounts(this.db, immediate, path, this.readers),
      pki: new SqlitePki(this.db),
      functions: new SqliteFunctions(this.db),
    };
    this.pingStatement = this.db.prepare("SELECT 1 AS ok");
  }

  private migrate(): void {
    this.db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    );
    for (const migration of sqliteMigrations) {
      // Of several processes starting at once, one applies each migration and the others see it applied.
      this.immediate(() => {
        const done = this.db
          .prepare("SELECT 1 FROM schema_migrations WHERE version = ?")
          .get(migration.version);
        if (!done) {
          this.db.exec(migration.sql);
          this.db
            .prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)")
            .run(migration.version, Math.floor(Date.now() / 1000));
        }
      });
    }
  }

  /**
   * Runs `fn` in a transaction that takes the write lock up front (BEGIN IMMEDIATE): node:sqlite is
   * synchronous, so nothing in this process interleaves, and no other process writes in between.
   */
  private immediate<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  override async ping(): Promise<void> {
    this.pingStatement.get();
  }

  override async sizeBytes(): Promise<number> {
    if (this.path === ":memory:") return 0;
    const size = (file: string) => statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    return size(this.path) + size(`${this.path}-wal`);
  }

  /** A consistent copy of the live database (SQLite's online backup), safe while others write. */
  async backupTo(path: string): Promise<number> {
    return backup(this.db, path);
  }

  override async close(): Promise<void> {
    // A download still streaming ends short: its next read fails.
    for (const reader of this.readers) reader.close();
    this.readers.clear();
    if (this.db.isOpen) this.db.close();
  }
}

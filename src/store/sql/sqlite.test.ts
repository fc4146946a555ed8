import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { describe, it } from "node:test";
import { type LegacySeed, runStoreConformance } from "../store.test-suite.ts";
import { META_COLUMNS, preparePage, SHORT_COLUMNS } from "./rows.ts";
import { SqlStore } from "./sql.store.ts";
import { SqliteDriver } from "./sqlite.driver.ts";
import { sqliteMigrations } from "./sqlite.migrations.ts";

const sqliteStore = (path: string) => new SqlStore(new SqliteDriver(path));

const paths = new WeakMap<object, string>();

runStoreConformance(
  "sqlite",
  async () => {
    const path = join(mkdtempSync(join(tmpdir(), "sealbin-store-")), "nested", "sealbin.db");
    const store = sqliteStore(path);
    paths.set(store, path);
    return store;
  },
  async (first) => sqliteStore(paths.get(first) ?? ""),
  async (seed) => {
    const path = join(mkdtempSync(join(tmpdir(), "sealbin-store-")), "legacy.db");
    seedVersion7(path, seed);
    return sqliteStore(path);
  },
);

/** A database as schema version 7 left it (images' bytes and quotient in their row), holding `seed`. */
function seedVersion7(path: string, seed: LegacySeed): void {
  const db = new DatabaseSync(path);
  db.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
  for (const m of sqliteMigrations.filter((m) => m.version <= 7)) {
    db.exec(m.sql);
    db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)").run(m.version);
  }
  const user = db.prepare(
    "INSERT INTO users (id, username, username_key, password_hash, public_key, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  for (const u of seed.users) {
    user.run(u.id, u.username, u.username.toLowerCase(), u.passwordHash, u.publicKey, u.createdAt);
  }
  const image = db.prepare(
    `INSERT INTO images (id, owner_id, name, stem, mime_type, size, content, quotient, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const i of seed.images) {
    image.run(i.id, i.ownerId, i.name, i.stem, i.mimeType, i.size, i.content, i.quotient, i.createdAt);
  }
  db.close();
}

describe("sqlite store", () => {
  it("creates the database folder on first start and applies migrations once", () => {
    const path = join(mkdtempSync(join(tmpdir(), "sealbin-store-")), "a", "b", "sealbin.db");
    const first = sqliteStore(path);
    const second = sqliteStore(path);
    void first.close();
    void second.close();
  });

  it("lists an owner's pastes and short URLs by the owner indexes, not by every live row", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "sealbin-store-")), "plan.db");
    const store = sqliteStore(path);
    const driver = new SqliteDriver(path);
    try {
      const plan = (q: unknown, params: unknown[]) => {
        const sql = (q as { statement: StatementSync }).statement.sourceSQL;
        const rows = new DatabaseSync(path).prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as never[]));
        return rows.map((r) => String((r as { detail: string }).detail)).join("; ");
      };
      const pastes = preparePage(driver, "pastes", META_COLUMNS, "expires_at > ?");
      const shorts = preparePage(
        driver,
        "short_urls",
        SHORT_COLUMNS,
        "(expires_at IS NULL OR expires_at > ?)",
      );
      assert.match(plan(pastes.list, ["o", 1, 10, 0]), /USING INDEX pastes_owner_created_at \(owner=\?\)/);
      assert.match(plan(pastes.count, ["o", 1]), /USING INDEX pastes_owner_created_at \(owner=\?\)/);
      assert.match(plan(shorts.list, ["o", 1, 10, 0]), /USING INDEX short_urls_owner \(owner=\?\)/);
    } finally {
      await driver.close();
      await store.close();
    }
  });

  it("throws on ping once closed, so /health can report it", async () => {
    const store = sqliteStore(":memory:");
    await store.close();
    await assert.rejects(store.ping());
  });
});

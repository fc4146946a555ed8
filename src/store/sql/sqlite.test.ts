import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, it } from "node:test";
import { type LegacySeed, runStoreConformance } from "../store.test-suite.ts";
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

  it("throws on ping once closed, so /health can report it", async () => {
    const store = sqliteStore(":memory:");
    await store.close();
    await assert.rejects(store.ping());
  });
});

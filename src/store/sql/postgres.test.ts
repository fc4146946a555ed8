import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pg from "pg";
import { type LegacySeed, runStoreConformance } from "../store.test-suite.ts";
import { PostgresDriver } from "./postgres.driver.ts";
import { postgresMigrations } from "./postgres.migrations.ts";
import { SqlStore } from "./sql.store.ts";

const postgresStore = (url: string) => new SqlStore(new PostgresDriver(url));

// The PostgreSQL pass of `npm test` (scripts/test.ts) provides a throwaway server; the SQLite pass
// has none, and says so.
const admin = process.env.SEALBIN_TEST_DATABASE_URL;

if (admin) {
  const urls = new WeakMap<object, string>();
  let n = 0;
  const newDatabase = async () => {
    const name = `conformance_${process.pid}_${++n}`;
    const setup = new pg.Client({ connectionString: admin });
    await setup.connect();
    await setup.query(`CREATE DATABASE ${name}`);
    await setup.end();
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return url.href;
  };
  /** A database as schema version 7 left it (images' bytes and quotient in their row), holding `seed`. */
  const seedVersion7 = async (url: string, seed: LegacySeed) => {
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      await db.query(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
      );
      for (const m of postgresMigrations.filter((m) => m.version <= 7)) {
        await db.query(m.sql);
        await db.query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)", [m.version]);
      }
      for (const u of seed.users) {
        await db.query(
          "INSERT INTO users (id, username, username_key, password_hash, public_key, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
          [u.id, u.username, u.username.toLowerCase(), u.passwordHash, u.publicKey, u.createdAt],
        );
      }
      for (const i of seed.images) {
        await db.query(
          `INSERT INTO images (id, owner_id, name, stem, mime_type, size, content, quotient, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            i.id,
            i.ownerId,
            i.name,
            i.stem,
            i.mimeType,
            i.size,
            Buffer.from(i.content),
            i.quotient,
            i.createdAt,
          ],
        );
      }
    } finally {
      await db.end();
    }
  };
  runStoreConformance(
    "postgres",
    async () => {
      const url = await newDatabase();
      const store = postgresStore(url);
      urls.set(store, url);
      return store;
    },
    async (first) => postgresStore(urls.get(first) ?? ""),
    async (seed) => {
      const url = await newDatabase();
      await seedVersion7(url, seed);
      return postgresStore(url);
    },
  );

  describe("postgres store", () => {
    it("survives its connection cut mid-transaction: that call fails, the process and the store go on", async () => {
      const url = await newDatabase();
      const store = postgresStore(url);
      const holder = new pg.Client({ connectionString: url });
      await holder.connect();
      try {
        await store.ping();
        // The shared-state key's advisory lock, held elsewhere: the store's transaction waits on it.
        await holder.query("BEGIN");
        await holder.query("SELECT pg_advisory_xact_lock(hashtext('state:cut'))");
        // The rejection is awaited at once: the cut may reach the store before pg_terminate_backend answers.
        const failed = assert.rejects(
          store.abuse.updateState("cut", () => 1),
          /unavailable/,
        );
        let cut = false;
        for (const deadline = Date.now() + 10_000; !cut && Date.now() < deadline; ) {
          const { rows } = await holder.query(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
          );
          if (rows[0])
            cut = (await holder.query("SELECT pg_terminate_backend($1)", [rows[0].pid])).rowCount === 1;
          else await new Promise((r) => setTimeout(r, 20));
        }
        assert.ok(cut, "the store's backend was found waiting and cut");
        await failed;
        await holder.query("ROLLBACK");
        assert.equal(
          await store.abuse.updateState("cut", () => 2),
          2,
          "a new connection serves the next call",
        );
      } finally {
        await holder.end();
        await store.close();
      }
    });

    it("prepares each statement once per connection, not once per call", async () => {
      const driver = new PostgresDriver(await newDatabase(), 1);
      const store = new SqlStore(driver);
      try {
        const prepared = driver.prepare("SELECT statement FROM pg_prepared_statements ORDER BY statement");
        await store.pastes.findPaste("a", 0);
        const once = (await prepared.all()).map((r) => String(r.statement));
        for (let i = 0; i < 20; i++) await store.pastes.findPaste(`p${i}`, 0);
        const after = (await prepared.all()).map((r) => String(r.statement));
        assert.deepEqual(after, once, "twenty more calls prepared nothing new");
        assert.ok(
          after.some((sql) =>
            /FROM pastes WHERE id = \$1 AND \(expires_at > \$2 OR quarantined_at IS NOT NULL\)$/.test(sql),
          ),
          after.join("\n"),
        );
      } finally {
        await store.close();
      }
    });

    it("stores image chunks uncompressed, so that a piece is sliced without decompressing the rest", async () => {
      const url = await newDatabase();
      const store = postgresStore(url);
      const db = new pg.Client({ connectionString: url });
      try {
        const ownerId = "b".repeat(24);
        await store.accounts.insertUser({
          id: ownerId,
          username: "bmp",
          passwordHash: "h",
          publicKey: "k",
          createdAt: 1,
        });
        // Compressible, as a BMP is: the column's default storage would have compressed it.
        const content = Buffer.alloc(3 * 1024 * 1024, 0x42);
        const image = { id: "bmp", ownerId, name: "flat.bmp", stem: "flat", mimeType: "image/bmp" };
        assert.equal(
          await store.accounts.insertImage({
            ...image,
            size: content.length,
            content,
            quotient: "",
            createdAt: 1,
          }),
          true,
        );
        await db.connect();
        const { rows } = await db.query(
          `SELECT count(*)::int AS chunks, count(pg_column_compression(data))::int AS compressed,
             (SELECT attstorage FROM pg_attribute WHERE attrelid = 'image_chunks'::regclass AND attname = 'data') AS storage
           FROM image_chunks WHERE image_id = 'bmp'`,
        );
        assert.deepEqual(rows[0], { chunks: 3, compressed: 0, storage: "e" });
      } finally {
        await db.end().catch(() => undefined);
        await store.close();
      }
    });
  });
} else {
  describe("postgres store conformance", () => {
    it("runs in npm test's PostgreSQL pass", { skip: "no SEALBIN_TEST_DATABASE_URL in this pass" }, () => {});
  });
}

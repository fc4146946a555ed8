import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runStoreConformance } from "../store.test-suite.ts";
import { SqliteStore } from "./sqlite.store.ts";

const paths = new WeakMap<object, string>();

runStoreConformance(
  "sqlite",
  async () => {
    const path = join(mkdtempSync(join(tmpdir(), "sealbin-store-")), "nested", "sealbin.db");
    const store = new SqliteStore(path);
    paths.set(store, path);
    return store;
  },
  async (first) => new SqliteStore(paths.get(first) ?? ""),
);

describe("sqlite store", () => {
  it("creates the database folder on first start and applies migrations once", () => {
    const path = join(mkdtempSync(join(tmpdir(), "sealbin-store-")), "a", "b", "sealbin.db");
    const first = new SqliteStore(path);
    const second = new SqliteStore(path);
    void first.close();
    void second.close();
  });

  it("throws on ping once closed, so /health can report it", async () => {
    const store = new SqliteStore(":memory:");
    await store.close();
    await assert.rejects(store.ping());
  });
});

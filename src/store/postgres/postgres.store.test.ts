import { describe, it } from "node:test";
import pg from "pg";
import { runStoreConformance } from "../store.test-suite.ts";
import { PostgresStore } from "./postgres.store.ts";

// The PostgreSQL pass of `npm test` (scripts/test.ts) provides a throwaway server; the SQLite pass
// has none, and says so.
const admin = process.env.SEALBIN_TEST_DATABASE_URL;

if (admin) {
  const urls = new WeakMap<object, string>();
  let n = 0;
  runStoreConformance(
    "postgres",
    async () => {
      const name = `conformance_${process.pid}_${++n}`;
      const setup = new pg.Client({ connectionString: admin });
      await setup.connect();
      await setup.query(`CREATE DATABASE ${name}`);
      await setup.end();
      const url = new URL(admin);
      url.pathname = `/${name}`;
      const store = new PostgresStore(url.href);
      urls.set(store, url.href);
      return store;
    },
    async (first) => new PostgresStore(urls.get(first) ?? ""),
  );
} else {
  describe("postgres store conformance", () => {
    it("runs in npm test's PostgreSQL pass", { skip: "no SEALBIN_TEST_DATABASE_URL in this pass" }, () => {});
  });
}

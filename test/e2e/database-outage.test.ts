import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { postgresBinDir, startCluster } from "../../scripts/pg-cluster.ts";
import { postgresUnderTest } from "../helpers/database.ts";
import { READY_TIMEOUT_MS, spawnServer } from "../helpers/process.ts";

describe("a PostgreSQL outage", () => {
  it("answers 503 while the database is down, resumes by itself, and loses no acknowledged paste", {
    skip: postgresUnderTest() && postgresBinDir() ? false : "runs in npm test's PostgreSQL pass",
  }, async () => {
    // A server of its own: stopping the suite's shared one would fail other tests.
    const cluster = await startCluster();
    const dir = mkdtempSync(join(tmpdir(), "sealbin-outage-"));
    const server = spawnServer(dir, {
      SEALBIN_DATABASE_URL: cluster.url,
      SEALBIN_POW_DIFFICULTY: "0",
      SEALBIN_RATE_LIMIT: "0",
      SEALBIN_DEDUP_MAX: "1000000",
    });
    let running = true;
    try {
      const url = await server.listening();
      const acknowledged: string[] = [];
      const statuses = new Map<number, number>();
      // Load throughout: a steady stream of writes.
      const load = (async () => {
        for (let i = 0; running; i++) {
          try {
            const res = await fetch(`${url}/`, { method: "POST", body: `load ${i}` });
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
            else await res.arrayBuffer();
          } catch {
            statuses.set(0, (statuses.get(0) ?? 0) + 1);
          }
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      // Each phase lasts until the load has seen it, however slow the machine: writes acknowledged
      // before the outage, refused during it, acknowledged again after it.
      const until = async (what: string, done: () => boolean | Promise<boolean>) => {
        for (const deadline = Date.now() + READY_TIMEOUT_MS; !(await done()); ) {
          assert.ok(Date.now() < deadline, `no ${what} within ${READY_TIMEOUT_MS / 1000} s`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await until("writes before the outage", () => acknowledged.length >= 5);
      cluster.pause();
      const down = await fetch(`${url}/`, { method: "POST", body: "while down" });
      assert.equal(down.status, 503);
      assert.equal(down.headers.get("retry-after"), "5");
      assert.deepEqual(await down.json(), {
        error: "Database unavailable",
        code: "database_unavailable",
        hint: "try again shortly",
      });
      assert.equal((await fetch(`${url}/health`)).status, 503);
      const refused = (statuses.get(503) ?? 0) + 3;
      await until("writes refused by the load", () => (statuses.get(503) ?? 0) >= refused);
      cluster.resume();
      await until("/health answering 200 after the outage (service resumed by itself)", async () => {
        return (await fetch(`${url}/health`)).status === 200;
      });
      const resumed = acknowledged.length + 5;
      await until("writes acknowledged after the outage", () => acknowledged.length >= resumed);
      running = false;
      await load;
      assert.equal(server.child.exitCode, null, "no crash");
      assert.deepEqual(
        [...statuses.keys()].filter((s) => s !== 201 && s !== 503),
        [],
        `only 201 and 503 under the outage: ${JSON.stringify([...statuses])}`,
      );
      assert.ok((statuses.get(503) ?? 0) >= 1);
      for (const id of acknowledged)
        assert.equal((await fetch(`${url}/${id}`)).status, 200, `acknowledged ${id} kept`);
    } finally {
      running = false;
      await server.stop();
      cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

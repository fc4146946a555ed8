import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { spawnServer } from "../helpers/process.ts";

describe("the sealbin-server command", () => {
  it("starts with an embedded SQLite database at ./data/sealbin.db and stops cleanly on SIGTERM", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "sealbin-proc-"));
    // SQLite whatever the pass: this is about the default.
    const server = spawnServer(cwd, { SEALBIN_POW_DIFFICULTY: "0", SEALBIN_DATABASE_URL: "" });
    try {
      const url = await server.listening();
      assert.ok(existsSync(join(cwd, "data", "sealbin.db")), "database created on first start");
      const created = await fetch(`${url}/`, { method: "POST", body: "from a real process" });
      assert.equal(created.status, 201);
      const { id } = (await created.json()) as { id: string };
      assert.equal(await (await fetch(`${url}/${id}/raw`)).text(), "from a real process");
      server.child.kill("SIGTERM");
      assert.equal(await server.exited, 0);
      const lines = server
        .output()
        .stdout.trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      assert.ok(lines.some((l) => l.msg === "shutting down: finishing in-flight requests"));
    } finally {
      await server.stop();
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("refuses to start on an invalid value, naming the variable and the expected form", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "sealbin-proc-"));
    try {
      const server = spawnServer(cwd, { FLASKPASTE_MAX_EXPIRY: "soon", SEALBIN_PROXY_SECRET: "x" });
      assert.equal(await server.exited, 2);
      assert.match(
        server.output().stderr,
        /FLASKPASTE_MAX_EXPIRY must be an integer from 60 to \d+ \(got "soon"\)/,
      );
      assert.ok(!existsSync(join(cwd, "data")), "nothing was created");
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe("SEALBIN_WORKERS", () => {
  it("runs several server processes on one port that all answer, and stops them all on SIGTERM", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "sealbin-workers-"));
    const server = spawnServer(cwd, {
      SEALBIN_POW_DIFFICULTY: "0",
      SEALBIN_RATE_LIMIT: "0",
      SEALBIN_WORKERS: "2",
    });
    try {
      const url = await server.listening();
      // Both workers listen before any request: the cluster hands connections to those that do.
      await server.waitFor(
        (out) => (out.match(/Server listening at/g) ?? []).length >= 2,
        "second worker listening",
      );
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        // A new connection each time: the cluster hands connections out in turn.
        const res = await fetch(`${url}/`, {
          method: "POST",
          body: `paste ${i}`,
          headers: { connection: "close" },
        });
        assert.equal(res.status, 201);
        ids.push(((await res.json()) as { id: string }).id);
      }
      // Any process reads what any other wrote: one database.
      for (const id of ids) {
        assert.equal((await fetch(`${url}/${id}`, { headers: { connection: "close" } })).status, 200);
      }
      // The workers write their logs in batches: wait for both to have written theirs.
      const answeringPids = (out: string) =>
        new Set(
          out
            .split("\n")
            .filter((l) => l.includes('"request completed"'))
            .map((l) => JSON.parse(l).pid),
        );
      await server.waitFor((out) => answeringPids(out).size >= 2, "request logged by each worker");
      assert.equal(answeringPids(server.output().stdout).size, 2, "both workers answered");
      server.child.kill("SIGTERM");
      assert.equal(await server.exited, 0);
      assert.match(server.output().stdout, /all workers stopped/);
    } finally {
      await server.stop();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

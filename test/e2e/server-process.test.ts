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

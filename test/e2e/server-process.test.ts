import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const SERVER_BIN = fileURLToPath(new URL("../../bin/sealbin-server.js", import.meta.url));

function runServer(cwd: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [SERVER_BIN], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const listening = async (): Promise<string> => {
    for (let i = 0; i < 200 && !stdout.includes("Server listening"); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
    if (!match?.[1]) throw new Error(`server did not start: ${stderr}`);
    return match[1];
  };
  return { child, exited, listening, output: () => ({ stdout, stderr }) };
}

describe("the sealbin-server command", () => {
  it("starts with an embedded SQLite database at ./data/sealbin.db and stops cleanly on SIGTERM", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "sealbin-proc-"));
    try {
      const server = runServer(cwd, { SEALBIN_PORT: "0" });
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
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("refuses to start on an invalid value, naming the variable and the expected form", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "sealbin-proc-"));
    try {
      const server = runServer(cwd, {
        SEALBIN_PORT: "0",
        FLASKPASTE_MAX_EXPIRY: "soon",
        SEALBIN_PROXY_SECRET: "x",
      });
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

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { postgresBinDir } from "../../scripts/pg-cluster.ts";
import { databaseFor, postgresUnderTest } from "../helpers/database.ts";
import { spawnServer } from "../helpers/process.ts";

const SERVER_BIN = fileURLToPath(new URL("../../bin/sealbin-server.js", import.meta.url));

async function pasteAll(url: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${url}/`, { method: "POST", body: `kept ${i}` });
    ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}

async function allThere(env: Record<string, string>, cwd: string, ids: string[]) {
  const restored = spawnServer(cwd, env);
  try {
    const url = await restored.listening();
    for (const [i, id] of ids.entries()) {
      assert.equal(await (await fetch(`${url}/${id}/raw`)).text(), `kept ${i}`);
    }
  } finally {
    await restored.stop();
  }
}

const QUIET = { SEALBIN_POW_DIFFICULTY: "0", SEALBIN_RATE_LIMIT: "0" };

describe("backup and restore", () => {
  it("SQLite: sealbin-server backup copies the live database consistently, and the copy serves", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sealbin-backup-"));
    const env = { ...QUIET, SEALBIN_DB: join(dir, "live.db"), SEALBIN_DATABASE_URL: "" };
    const server = spawnServer(dir, env);
    try {
      const url = await server.listening();
      const ids = await pasteAll(url, 20);
      // While the server runs and writes.
      const writing = pasteAll(url, 20);
      const backup = spawnSync(process.execPath, [SERVER_BIN, "backup", join(dir, "copy.db")], {
        env: { PATH: process.env.PATH ?? "", ...env },
        encoding: "utf8",
      });
      await writing;
      assert.equal(backup.status, 0, backup.stderr);
      assert.match(backup.stdout, /backed up .* to .*copy\.db/);
      const again = spawnSync(process.execPath, [SERVER_BIN, "backup", join(dir, "copy.db")], {
        env: { PATH: process.env.PATH ?? "", ...env },
        encoding: "utf8",
      });
      assert.equal(again.status, 2, "never overwrites");
      await allThere({ ...QUIET, SEALBIN_DB: join(dir, "copy.db"), SEALBIN_DATABASE_URL: "" }, dir, ids);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("PostgreSQL: pg_dump of a live database restores with pg_restore, and the copy serves", {
    skip: postgresUnderTest() ? false : "runs in npm test's PostgreSQL pass",
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "sealbin-pgdump-"));
    const source = databaseFor(join(dir, "source"));
    const target = databaseFor(join(dir, "target"));
    const bin = postgresBinDir() ?? "";
    const server = spawnServer(dir, { ...QUIET, SEALBIN_DATABASE_URL: source });
    try {
      const ids = await pasteAll(await server.listening(), 20);
      const dump = join(dir, "sealbin.dump");
      const dumped = spawnSync(join(bin, "pg_dump"), ["--format=custom", `--file=${dump}`, source], {
        encoding: "utf8",
      });
      assert.equal(dumped.status, 0, dumped.stderr);
      const restored = spawnSync(join(bin, "pg_restore"), ["--no-owner", `--dbname=${target}`, dump], {
        encoding: "utf8",
      });
      assert.equal(restored.status, 0, restored.stderr);
      await allThere({ ...QUIET, SEALBIN_DATABASE_URL: target }, dir, ids);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("PostgreSQL: sealbin-server backup points to pg_dump, exits 2 and writes nothing", {
    skip: postgresUnderTest() ? false : "runs in npm test's PostgreSQL pass",
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), "sealbin-pgbackup-"));
    try {
      const copy = join(dir, "copy.db");
      const run = spawnSync(process.execPath, [SERVER_BIN, "backup", copy], {
        encoding: "utf8",
        env: { ...process.env, SEALBIN_DATABASE_URL: databaseFor(join(dir, "db")) },
      });
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /on PostgreSQL, back up with pg_dump \(docs\/postgresql\.md\)/);
      assert.equal(existsSync(copy), false, "no file written");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

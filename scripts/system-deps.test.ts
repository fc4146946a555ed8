import assert from "node:assert/strict";
import { type SpawnSyncOptions, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  globSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { REPO, SYSTEM_TOOLS, selectedFiles, toolsNeeded } from "./system-deps.ts";

const TEST_TS = join(REPO, "scripts/test.ts");
const SYSTEM_DEPS_TS = join(REPO, "scripts/system-deps.ts");
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/**
 * A directory to stand for PATH: every tool the suite needs, as found here, except `without`; and,
 * when given, an `apt-get` script.
 */
function craftedPath(without: string, aptGet?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "sealbin-path-"));
  chmodSync(dir, 0o755);
  for (const tool of SYSTEM_TOOLS) {
    const found = tool.find(process.env);
    if (tool.name !== without && found && !existsSync(join(dir, tool.name))) {
      symlinkSync(found, join(dir, tool.name));
    }
  }
  if (aptGet) {
    writeFileSync(join(dir, "apt-get"), `#!/bin/sh\n${aptGet}\n`);
    chmodSync(join(dir, "apt-get"), 0o755);
  }
  return dir;
}

/**
 * How to run a child that is not root: as `nobody` when this is root and nobody can read the
 * checkout; else (a checkout under a private home) as root told to install nothing.
 */
function unprivileged(): SpawnSyncOptions & { env: Record<string, string> } {
  if (!asRoot) return { env: {} };
  const probe = spawnSync(process.execPath, ["-e", `require("fs").accessSync(${JSON.stringify(TEST_TS)})`], {
    uid: NOBODY,
    gid: NOBODY,
  });
  return probe.status === 0 ? { uid: NOBODY, gid: NOBODY, env: {} } : { env: { SEALBIN_TEST_INSTALL: "no" } };
}

describe("npm test's check of the system tools", () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const path = (without: string, aptGet?: string) => {
    const dir = craftedPath(without, aptGet);
    dirs.push(dir);
    return dir;
  };

  it("names every file that runs a system tool", () => {
    const files = globSync("{src,test,scripts}/**/*.ts", { cwd: REPO }).filter(
      (f) => !f.startsWith("scripts/system-deps"),
    );
    for (const tool of SYSTEM_TOOLS) {
      // "postgres" is also a backend's name; its users are initdb's.
      if (tool.name === "postgres") continue;
      for (const f of files) {
        if (readFileSync(join(REPO, f), "utf8").includes(`"${tool.name}"`)) {
          assert.ok(tool.usedBy.includes(f), `${f} runs ${tool.name}: add it to SYSTEM_TOOLS`);
        }
      }
    }
  });

  it("asks only for what the selected files and backends need", () => {
    const names = (backends: string[], args: string[]) =>
      toolsNeeded(backends, selectedFiles(args, REPO)).map((t) => t.name);
    assert.deepEqual(names(["sqlite"], ["src", "scripts/log-scan.test.ts"]), []);
    assert.deepEqual(names(["sqlite"], ["test/e2e/web.test.ts"]), ["chromium"]);
    assert.deepEqual(names(["sqlite"], ["test/e2e/readme-recipe.test.ts"]), ["curl", "python3", "bash"]);
    assert.deepEqual(names(["postgres"], ["src/**/*.test.ts"]), ["initdb", "pg_ctl", "postgres", "psql"]);
    assert.ok(names(["postgres"], ["test/e2e/backup.test.ts"]).includes("pg_dump"));
    assert.equal(names(["sqlite"], ["test/**/*.test.ts"]).includes("nginx"), true);
    assert.equal(names(["sqlite"], ["test/**/*.test.ts"]).includes("psql"), false);
  });

  it("not as root: stops before any test with exit code 2 and the apt-get command, naming the tests", () => {
    const child = unprivileged();
    const run = spawnSync(process.execPath, [TEST_TS, "test/e2e/shortener.test.ts"], {
      ...child,
      cwd: REPO,
      env: { ...child.env, PATH: path("curl", "exit 99"), SEALBIN_TEST_BACKENDS: "sqlite" },
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(run.status, 2, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /sudo apt-get install -y --no-install-recommends curl\n/);
    assert.match(run.stderr, /^ {2}curl {2}curl, for .*test\/e2e\/shortener\.test\.ts/m);
    assert.doesNotMatch(`${run.stdout}${run.stderr}`, /# (sqlite pass|tests \d)/, "no test ran");
  });

  it("as root without apt-get: stops with exit code 2 and the command", () => {
    const run = spawnSync(process.execPath, [SYSTEM_DEPS_TS, "test/e2e/pki.test.ts"], {
      cwd: REPO,
      env: { PATH: path("openssl"), SEALBIN_TEST_BACKENDS: "sqlite" },
      encoding: "utf8",
    });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /no apt-get here/);
    assert.match(
      run.stderr,
      /sudo apt-get update && sudo apt-get install -y --no-install-recommends openssl\n/,
    );
  });

  it("as root with apt-get: updates once, installs what is missing non-interactively, then goes on", {
    skip: asRoot ? false : "runs as root",
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), "sealbin-apt-"));
    dirs.push(dir);
    const log = join(dir, "apt.log");
    const curl = SYSTEM_TOOLS.find((t) => t.name === "curl")?.find(process.env) ?? "";
    // A stand-in apt-get that records its calls and "installs" curl into the crafted PATH.
    const bin = path(
      "curl",
      `echo "$DEBIAN_FRONTEND $*" >> ${log}\nif [ "$1" = install ]; then /bin/ln -s ${curl} "\${0%/apt-get}/curl"; fi`,
    );
    const run = spawnSync(process.execPath, [SYSTEM_DEPS_TS, "test/e2e/shortener.test.ts"], {
      cwd: REPO,
      env: { PATH: bin, SEALBIN_TEST_BACKENDS: "sqlite" },
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(readFileSync(log, "utf8").trim().split("\n"), [
      "noninteractive update -qq",
      "noninteractive install -y -qq --no-install-recommends curl",
    ]);
    assert.match(run.stdout, /installing 1 Debian package/);
    assert.match(run.stdout, /^# {2}curl {2}curl, for .*test\/e2e\/shortener\.test\.ts/m);
    assert.match(run.stdout, /installed curl/);
  });

  it("as root, when apt-get fails: stops with exit code 2 and the command to run", {
    skip: asRoot ? false : "runs as root",
  }, () => {
    const run = spawnSync(process.execPath, [SYSTEM_DEPS_TS, "test/e2e/shortener.test.ts"], {
      cwd: REPO,
      env: { PATH: path("curl", "exit 100"), SEALBIN_TEST_BACKENDS: "sqlite" },
      encoding: "utf8",
    });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /apt-get update failed \(exit 100\)/);
    assert.match(run.stderr, /sudo apt-get install -y --no-install-recommends curl\n/);
  });
});

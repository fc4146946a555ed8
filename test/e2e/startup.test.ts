import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { spawnServer } from "../helpers/process.ts";

/**
 * What a first start-up of the real server process shows an operator: one line, never a stack trace,
 * for the mistakes people make (an old Node.js, a busy or privileged port, a wrong host, a misspelt
 * variable), a `.env` file read, and `npm start` stopped by a signal sent to npm.
 * SQLite whatever the pass (SEALBIN_DATABASE_URL ""): these are about start-up, not the backend.
 */

const repo = fileURLToPath(new URL("../../", import.meta.url));
const SERVER_BIN = join(repo, "bin", "sealbin-server.js");
const SQLITE = { SEALBIN_DATABASE_URL: "" };
const WAIT_MS = 60_000;

/** Standard error's lines, without the warnings Node itself may print about experimental features. */
const lines = (stderr: string) =>
  stderr.split("\n").filter((l) => l !== "" && !/ExperimentalWarning|--trace-warnings/.test(l));

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "sealbin-startup-"));
}

/** A Node.js older than the server needs, from PATH outside node_modules (Debian's is 20). */
function olderNode(): string | undefined {
  const dirs = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((d) => d !== "" && !d.includes("node_modules"));
  for (const candidate of [...dirs.map((d) => join(d, "node")), "/usr/bin/node", "/usr/local/bin/node"]) {
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ["-p", "process.versions.node"], {
      encoding: "utf8",
    }).stdout?.trim();
    const [major = 0, minor = 0] = (version ?? "").split(".").map(Number);
    if (major > 0 && (major < 22 || (major === 22 && minor < 18))) return candidate;
  }
  return undefined;
}

/** Collects a child's output; `until` resolves once stdout matches, rejects if the child exits first. */
function watch(child: ChildProcess) {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const until = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stdout);
        if (match) {
          clearTimeout(timer);
          child.stdout?.off("data", check);
          resolve(match);
        }
      };
      const timer = setTimeout(
        () => reject(new Error(`no ${pattern} in ${WAIT_MS} ms:\n${stdout}\n${stderr}`)),
        WAIT_MS,
      );
      child.stdout?.on("data", check);
      void exited.then(() => {
        clearTimeout(timer);
        if (!pattern.test(stdout)) reject(new Error(`exited before ${pattern}:\n${stdout}\n${stderr}`));
      });
      check();
    });
  return { exited, until, output: () => ({ stdout, stderr }) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("starting the server", () => {
  const old = olderNode();
  it("run by an older Node.js, bin/sealbin-server.js says in one line to use npm start", {
    skip: old ? false : "no Node.js older than 22.18 on this machine",
  }, () => {
    const cwd = tempDir();
    try {
      const run = spawnSync(old ?? "node", [SERVER_BIN], {
        cwd,
        env: { PATH: process.env.PATH ?? "" },
        encoding: "utf8",
      });
      assert.equal(run.status, 2);
      const [line, ...more] = lines(run.stderr);
      assert.deepEqual(more, [], run.stderr);
      assert.match(
        line ?? "",
        /^sealbin-server: Node\.js [\d.]+ is too old \(22\.18 or later is needed\): run `npm start`/,
      );
      assert.doesNotMatch(run.stderr, /ERR_UNKNOWN_FILE_EXTENSION/);
      const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
        engines: { node: string };
      };
      assert.ok(
        readFileSync(SERVER_BIN, "utf8").includes(`"engines" (${pkg.engines.node})`),
        "the engines rule",
      );
      assert.equal(run.stdout, "");
      assert.ok(!existsSync(join(cwd, "data")), "nothing was created");
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("npm install on an older Node.js warns only about the engines the README explains", {
    skip: old ? false : "no Node.js older than 22.18 on this machine",
  }, () => {
    const dir = tempDir();
    try {
      for (const file of ["package.json", "package-lock.json"])
        copyFileSync(join(repo, file), join(dir, file));
      // npm on the older Node, as on a fresh Debian machine; a dry run installs nothing.
      const install = spawnSync(
        "npm",
        ["install", "--dry-run", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"],
        {
          cwd: dir,
          env: {
            PATH: `${dirname(old ?? "")}${delimiter}/usr/bin${delimiter}/bin`,
            HOME: process.env.HOME ?? dir,
          },
          encoding: "utf8",
        },
      );
      assert.equal(install.status, 0, install.stderr);
      const warned = [...install.stderr.matchAll(/EBADENGINE\s+package: '((?:@[^/]+\/)?[^@']+)@/g)].map(
        (m) => m[1],
      );
      const readme = readFileSync(join(repo, "README.md"), "utf8");
      for (const name of warned)
        assert.ok(readme.includes(`\`${name}\``), `README explains ${name}'s warning`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a busy port is one line naming SEALBIN_PORT and exit code 2, with one process or several", async () => {
    const cwd = tempDir();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: "127.0.0.1", port: 0 }, resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      for (const workers of ["1", "2"]) {
        const server = spawnServer(cwd, { ...SQLITE, SEALBIN_PORT: String(port), SEALBIN_WORKERS: workers });
        assert.equal(await server.exited, 2, `SEALBIN_WORKERS=${workers}`);
        assert.deepEqual(lines(server.output().stderr), [
          `sealbin-server: port ${port} is in use; set SEALBIN_PORT (or stop what listens on 127.0.0.1:${port})`,
        ]);
      }
    } finally {
      blocker.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  const unprivilegedStart = Number(
    (() => {
      try {
        return readFileSync("/proc/sys/net/ipv4/ip_unprivileged_port_start", "utf8");
      } catch {
        return "1024";
      }
    })(),
  );
  it("a privileged port refused to an unprivileged process is one line and exit code 2", {
    skip: unprivilegedStart <= 80 ? "this machine lets any process listen on port 80" : false,
  }, async () => {
    const cwd = tempDir();
    chmodSync(cwd, 0o777); // written by the unprivileged user below (its ./data)
    try {
      // As root, the server runs as nobody, for whom port 80 is out of reach.
      const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const child = spawn(process.execPath, [SERVER_BIN], {
        cwd,
        env: { PATH: process.env.PATH ?? "", ...SQLITE, SEALBIN_PORT: "80" },
        stdio: ["ignore", "pipe", "pipe"],
        ...asNobody,
      });
      const run = watch(child);
      assert.equal((await run.exited).code, 2);
      assert.deepEqual(lines(run.output().stderr), [
        "sealbin-server: port 80 is privileged (below 1024) and this process may not listen on it; set SEALBIN_PORT to 1024 or above, or grant the process CAP_NET_BIND_SERVICE",
      ]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("a host that is not this machine's, or a name that does not resolve, is one line naming SEALBIN_HOST", async () => {
    const cwd = tempDir();
    try {
      // 192.0.2.1: TEST-NET-1, documentation only, never a local address.
      const notHere = spawnServer(cwd, { ...SQLITE, SEALBIN_HOST: "192.0.2.1" });
      assert.equal(await notHere.exited, 2);
      assert.deepEqual(lines(notHere.output().stderr), [
        "sealbin-server: 192.0.2.1 is not an address of this machine; set SEALBIN_HOST (127.0.0.1, 0.0.0.0, :: or one of this machine's addresses)",
      ]);
      const unresolved = spawnServer(cwd, { ...SQLITE, SEALBIN_HOST: "no-such-host.invalid" });
      assert.equal(await unresolved.exited, 2);
      assert.deepEqual(lines(unresolved.output().stderr), [
        'sealbin-server: host name "no-such-host.invalid" does not resolve; set SEALBIN_HOST to an address of this machine',
      ]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("a misspelt SEALBIN_ variable is reported with the nearest known name, and the server still starts", async () => {
    const cwd = tempDir();
    const server = spawnServer(cwd, {
      ...SQLITE,
      SEALBIN_POW_DIFICULTY: "0",
      // The CLI's variables, set in the same environment, are not the server's business.
      SEALBIN_SERVER: "http://127.0.0.1:5000",
      FLASKPASTE_CLIENT_CERT: "/nowhere/client.crt",
    });
    try {
      const url = await server.listening();
      assert.deepEqual(lines(server.output().stderr), [
        "sealbin-server: warning: SEALBIN_POW_DIFICULTY is not a sealbin setting and is ignored: did you mean SEALBIN_POW_DIFFICULTY?",
      ]);
      const info = (await (await fetch(`${url}/`)).json()) as { pow: { difficulty: number } };
      assert.equal(info.pow.difficulty, 20, "the misspelt variable changed nothing");
    } finally {
      await server.stop();
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("reads .env in the working directory, and a variable of the real environment wins", async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, ".env"),
      "# local settings\nSEALBIN_POW_DIFFICULTY=0\nSEALBIN_MAX_ANON=1000\nSEALBIN_MAX_AUHT=5\n",
    );
    const server = spawnServer(cwd, { ...SQLITE, SEALBIN_MAX_ANON: "2000" });
    try {
      const url = await server.listening();
      const created = await fetch(`${url}/`, { method: "POST", body: "x".repeat(1500) });
      assert.equal(
        created.status,
        201,
        "no proof-of-work (.env), 1500 bytes allowed (the environment's 2000)",
      );
      const info = (await (await fetch(`${url}/`)).json()) as { limits: { max_size_anon: number } };
      assert.equal(info.limits.max_size_anon, 2000);
      // The file's variables are checked like the environment's.
      assert.deepEqual(lines(server.output().stderr), [
        "sealbin-server: warning: SEALBIN_MAX_AUHT is not a sealbin setting and is ignored: did you mean SEALBIN_MAX_AUTH?",
      ]);
      await server.logged(/settings read from \.\/\.env/);
    } finally {
      await server.stop();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe("npm start", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`stopping npm start with ${signal} sent to npm stops the server it started`, async () => {
      const dir = tempDir();
      // As npm runs it for a user: the repository's package.json, node_modules/.bin first in PATH.
      const npm = spawn("npm", ["start"], {
        cwd: repo,
        env: {
          PATH: `${join(repo, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
          HOME: process.env.HOME ?? dir,
          ...SQLITE,
          SEALBIN_PORT: "0",
          SEALBIN_DB: join(dir, "sealbin.db"),
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const run = watch(npm);
      let pid = 0;
      try {
        const match = await run.until(/"pid":(\d+)[^\n]*Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
        pid = Number(match[1]);
        const url = match[2] ?? "";
        assert.equal((await fetch(`${url}/health`)).status, 200);
        npm.kill(signal);
        const { code } = await run.exited;
        assert.equal(code, 0, "the server shut down cleanly, and npm with it");
        assert.match(run.output().stdout, new RegExp(`"signal":"${signal}"[^\\n]*shutting down`));
        assert.ok(!alive(pid), "no server process is left behind");
        await assert.rejects(fetch(`${url}/health`), "nothing listens any more");
      } finally {
        if (npm.exitCode === null && npm.signalCode === null) npm.kill("SIGKILL");
        if (pid > 0 && alive(pid)) process.kill(pid, "SIGKILL");
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

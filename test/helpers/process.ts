import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { backendEnv } from "./database.ts";

const SERVER_BIN = fileURLToPath(new URL("../../bin/sealbin-server.js", import.meta.url));

/**
 * How long a wait for a process to say something lasts at most: generous, for a loaded machine (a
 * start-up that takes 2 s alone can take ten times that beside other work). A wait ends as soon as
 * the line appears, or the process exits; the bound only stops a test that would otherwise hang.
 */
export const READY_TIMEOUT_MS = 60_000;

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
  /** Resolves with the base URL once the server logs (at info level) that it listens. */
  listening(): Promise<string>;
  /** Waits until a log line matches (the server writes its log in batches, up to 100 ms late). */
  logged(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /**
   * Waits until `ready(stdout)` holds (a throw counts as not yet), re-checked at each output; fails
   * with `what` once the process has exited or `timeoutMs` has passed without it.
   */
  waitFor(ready: (stdout: string) => boolean, what: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<number | null>;
}

/** The real `sealbin-server` command in its own process. */
export function spawnServer(cwd: string, env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, [SERVER_BIN], {
    cwd,
    env: backendEnv({ PATH: process.env.PATH ?? "", SEALBIN_PORT: "0", ...env }, cwd),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const watchers = new Set<() => void>();
  const notify = () => {
    for (const watcher of watchers) watcher();
  };
  child.stdout?.on("data", (d) => {
    stdout += d;
    // Raw chunks, in order, one file per child: lines split across chunks join up again.
    if (process.env.SEALBIN_TEST_LOG_DIR)
      appendFileSync(join(process.env.SEALBIN_TEST_LOG_DIR, `child-${child.pid}.jsonl`), d);
    notify();
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  // A wait gives up once the process is gone and its output read ("close"), or a second after "exit"
  // (workers that inherited its pipes may keep them open).
  let gone: string | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code, signal) => {
      resolve(code);
      setTimeout(() => {
        gone ??= `exited (${signal ?? `code ${code}`})`;
        notify();
      }, 1000).unref();
    }),
  );
  child.on("close", (code, signal) => {
    gone ??= `exited (${signal ?? `code ${code}`})`;
    notify();
  });
  const waitFor = (ready: (out: string) => boolean, what: string, timeoutMs = READY_TIMEOUT_MS) =>
    new Promise<void>((resolve, reject) => {
      const holds = () => {
        try {
          return ready(stdout);
        } catch {
          return false; // a line still being written
        }
      };
      const check = () => {
        if (holds()) finish();
        else if (gone) finish(`the process ${gone} before ${what}`);
      };
      const timer = setTimeout(() => finish(`no ${what} within ${timeoutMs / 1000} s`), timeoutMs);
      const finish = (failure?: string) => {
        clearTimeout(timer);
        watchers.delete(check);
        if (failure) reject(new Error(`${failure}\nstderr: ${stderr}\nstdout: ${stdout.slice(-4000)}`));
        else resolve();
      };
      watchers.add(check);
      check();
    });
  const LISTENING = /Server listening at (https?:\/\/127\.0\.0\.1:\d+)/;
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    waitFor,
    async listening() {
      try {
        await waitFor((out) => LISTENING.test(out), "line saying it listens");
      } catch (err) {
        throw new Error(`server did not start: ${(err as Error).message}`);
      }
      return LISTENING.exec(stdout)?.[1] ?? "";
    },
    logged: (pattern: RegExp, timeoutMs = READY_TIMEOUT_MS) =>
      waitFor((out) => pattern.test(out), `log line matching ${pattern}`, timeoutMs),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

/** Two server processes on one database, as `SEALBIN_WORKERS=2` or two hosts would run. */
export async function spawnPair(cwd: string, env: Record<string, string>) {
  const a = spawnServer(cwd, env);
  const b = spawnServer(cwd, env);
  const stop = async () => {
    await Promise.all([a.stop(), b.stop()]);
  };
  try {
    const urls = await Promise.all([a.listening(), b.listening()]);
    return { urls: urls as [string, string], stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** `sealbin-server pki server-cert ARGS…`, synchronously (no server in this process to keep answering). */
export function serverCert(env: Record<string, string>, args: string[]) {
  return spawnSync(process.execPath, [SERVER_BIN, "pki", "server-cert", ...args], {
    env: backendEnv({ PATH: process.env.PATH ?? "", ...env }),
    encoding: "utf8",
  });
}

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { backendEnv } from "./database.ts";

const SERVER_BIN = fileURLToPath(new URL("../../bin/sealbin-server.js", import.meta.url));

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
  /** Resolves with the base URL once the server logs (at info level) that it listens. */
  listening(): Promise<string>;
  /** Waits until a log line matches (the server writes its log in batches, up to 100 ms late). */
  logged(pattern: RegExp, timeoutMs?: number): Promise<void>;
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
  child.stdout?.on("data", (d) => {
    stdout += d;
    // Raw chunks, in order, one file per child: lines split across chunks join up again.
    if (process.env.SEALBIN_TEST_LOG_DIR)
      appendFileSync(join(process.env.SEALBIN_TEST_LOG_DIR, `child-${child.pid}.jsonl`), d);
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    async listening() {
      for (let i = 0; i < 200 && !stdout.includes("Server listening"); i++) {
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const match = /Server listening at (https?:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (!match?.[1]) throw new Error(`server did not start: ${stderr}`);
      return match[1];
    },
    async logged(pattern: RegExp, timeoutMs = 5000) {
      for (let waited = 0; !pattern.test(stdout) && waited < timeoutMs; waited += 25) {
        await new Promise((r) => setTimeout(r, 25));
      }
      if (!pattern.test(stdout)) throw new Error(`no log line matches ${pattern}:\n${stdout}`);
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
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

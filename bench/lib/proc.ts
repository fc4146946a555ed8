/** Process plumbing for the benchmarks: pinned children, their address, their memory. */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { availableParallelism } from "node:os";

/** Pinning needs `taskset` and two cores: the server gets CPU 0, the load generator CPU 1. */
export const canPin = availableParallelism() >= 2 && spawnSync("taskset", ["-c", "0", "true"]).status === 0;

/** Spawns `node args…`, on `cpu` when pinning is possible and asked for; stdout goes to `logFile`. */
export function spawnNode(
  args: string[],
  options: { cpu?: string; env?: Record<string, string>; logFile?: string },
): ChildProcess {
  const out = options.logFile ? openSync(options.logFile, "a") : "ignore";
  const [cmd, argv] =
    options.cpu !== undefined && canPin
      ? ["taskset", ["-c", options.cpu, process.execPath, ...args]]
      : [process.execPath, args];
  const child = spawn(cmd, argv, {
    env: { PATH: process.env.PATH ?? "", ...options.env },
    stdio: ["ignore", out, "inherit"],
  });
  if (typeof out === "number") closeSync(out);
  return child;
}

/** A port nobody listens on now (the server is started on it, so that any log level works). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const port = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}

/** Waits until `url` answers (any status), or fails if the process exits first. */
export async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      await fetch(`${url}/health`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error("server did not start");
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

function statusKb(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
}

/** Starts a new peak-RSS measurement (Linux: writing 5 to clear_refs resets VmHWM). */
export function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch {
    // Not Linux, or not allowed: the peak then runs from the process's start.
  }
}

export const peakRssMiB = (pid: number) => statusKb(pid, "VmHWM") / 1024;
export const rssMiB = (pid: number) => statusKb(pid, "VmRSS") / 1024;

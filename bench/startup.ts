/**
 * Start-up time and idle memory of the real server: spawns `bin/sealbin-server.js` (SQLite, default
 * settings, a database of its own) five times, one after the other, and measures for each start the
 * time from spawn to the first 200 from GET /health (polled every 5 ms) and the resident memory
 * (VmRSS) once it has answered and settled. Prints every run, the medians and the targets.
 * Run: npm run bench -- startup   (figures in docs/performance.md, "Start-up")
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, rssMiB, stop } from "./lib/proc.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
// A short settle: the first expiry sweep (run right after listening) is done, the server is idle.
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 2000);
// For experiments, as in bench/http.ts: BENCH_SEALBIN_ENV='{"NODE_COMPILE_CACHE":"/tmp/cc"}'.
const extraEnv = JSON.parse(process.env.BENCH_SEALBIN_ENV ?? "{}") as Record<string, string>;
const TARGET_S = 0.5;
const TARGET_MIB = 100;

/** The status of GET /health, or 0 when nothing answers yet. node:http, so that the poller is cheap. */
function health(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/health", agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
    req.end();
  });
}

/**
 * CPU time (user + system, every thread) the process has used, in seconds: unlike the wall time, it
 * hardly moves with what else the machine is running. /proc/PID/stat counts in ticks of 1/100 s.
 */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Start {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly rssMiB: number;
}

async function once(db: string): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, "bin", "sealbin-server.js")], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", SEALBIN_DB: db, SEALBIN_PORT: String(port), ...extraEnv },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      if ((await health(port)) === 200) break;
      if (performance.now() - started > 60_000) throw new Error("server did not answer /health in 60 s");
      await new Promise((r) => setTimeout(r, 5));
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(child.pid as number);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return { seconds, cpuSeconds: cpu, rssMiB: rssMiB(child.pid as number) };
  } finally {
    await stop(child);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

const describe = (run: Start) =>
  `${run.seconds.toFixed(3)} s to /health (${run.cpuSeconds.toFixed(2)} s of CPU), ` +
  `${run.rssMiB.toFixed(1)} MiB idle RSS`;

const work = mkdtempSync(join(tmpdir(), "sealbin-bench-startup-"));
try {
  console.log(
    `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}, ` +
      `load average ${loadavg()[0]?.toFixed(2)}`,
  );
  console.log(
    `${RUNS} starts on SQLite with default settings; RSS read ${SETTLE_MS} ms after /health answers`,
  );
  // One start that is not counted: it creates the database (as a first `npm start` does) and warms
  // the file cache (and Node's compile cache, when it is on), so that every counted start is a
  // restart of an existing server.
  const db = join(work, "sealbin.db");
  console.log(`warm-up (creates the database): ${describe(await once(db))}`);
  const runs: Start[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await once(db);
    runs.push(run);
    console.log(`run ${i + 1}: ${describe(run)}`);
  }
  const seconds = median(runs.map((r) => r.seconds));
  const cpu = median(runs.map((r) => r.cpuSeconds));
  const rss = median(runs.map((r) => r.rssMiB));
  const verdict = (met: boolean) => (met ? "met" : "MISSED");
  console.log(
    `\nmedian of ${RUNS}: ${seconds.toFixed(3)} s to /health (target ≤ ${TARGET_S} s: ${verdict(seconds <= TARGET_S)}; ` +
      `${cpu.toFixed(2)} s of CPU), ${rss.toFixed(1)} MiB idle RSS (target ≤ ${TARGET_MIB} MiB: ${verdict(rss <= TARGET_MIB)})`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

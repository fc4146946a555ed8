/**
 * The HTTP benchmark suite: a real sealbin server (SQLite, production settings — rate limits, dedup
 * and content checks on, proof-of-work at 0, logging at info to a file) and a minimal node:http +
 * node:sqlite baseline, each driven by autocannon from a separate process, server on one core and
 * load generator on the other. Prints requests/s, p50/p99 latency, errors and unexpected statuses,
 * and the server's peak RSS per scenario, sealbin's figures as ratios of the baseline's, the targets,
 * and the change since the previous run; writes the raw results to bench/results/.
 * Run: npm run bench -- http   (figures in docs/performance.md)
 */
import { type ChildProcess, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import nacl from "tweetnacl";
import { postgresBinDir, startCluster } from "../scripts/pg-cluster.ts";
import type { LoadJob, LoadResult } from "./lib/load.ts";
import { canPin, freePort, peakRssMiB, resetPeak, rssMiB, spawnNode, stop, waitUntilUp } from "./lib/proc.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const resultsDir = join(root, "bench", "results");
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = 16;
// BENCH_ONLY=get-raw-1k,create-1k: just those scenarios (and no scaling run), for quick iterations.
const ONLY = process.env.BENCH_ONLY?.split(",").filter((s) => s !== "");
const wanted = (scenario: string) => !ONLY || ONLY.includes(scenario);
const KiB = 1024;

interface Scenario extends LoadResult {
  readonly peakRssMiB: number;
}

interface Target {
  readonly name: string;
  readonly value: number | undefined;
  readonly goal: string;
  readonly met: boolean | undefined;
}

const work = mkdtempSync(join(tmpdir(), "sealbin-bench-http-"));

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: "POST", body, headers });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 201) throw new Error(`seeding failed: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** 1,000 pastes of 1 KiB, one of 1 MiB, and 50 password-protected ones of 1 KiB. */
async function seed(url: string, withPasswords: boolean) {
  const ids: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const body = `${i} `.padEnd(KiB, "sealbin benchmark content ");
    ids.push(String((await post(`${url}/`, body)).id));
  }
  const big = String((await post(`${url}/`, "m".repeat(1024 * KiB))).id);
  const locked: string[] = [];
  if (withPasswords) {
    for (let i = 0; i < 50; i++) {
      const body = `locked ${i} `.padEnd(KiB, "x");
      locked.push(String((await post(`${url}/`, body, { "x-paste-password": "correct horse" })).id));
    }
  }
  return { ids, big, locked };
}

function runLoad(job: LoadJob, pinned: boolean): LoadResult {
  const args = [join(root, "bench", "lib", "load.ts"), JSON.stringify(job)];
  const cmd = pinned && canPin ? "taskset" : process.execPath;
  const argv = pinned && canPin ? ["-c", "1", process.execPath, ...args] : args;
  const out = execFileSync(cmd, argv, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(out.trim().split("\n").pop() ?? "{}") as LoadResult;
}

const children = new Set<ChildProcess>();

async function startServer(kind: "sealbin" | "baseline", env: Record<string, string>, cpu?: string) {
  const logFile = join(work, `${kind}-${Date.now()}.log`);
  const port = await freePort();
  const args =
    kind === "sealbin"
      ? [join(root, "bin", "sealbin-server.js")]
      : [join(root, "bench", "lib", "baseline-server.ts"), join(work, "baseline.db"), String(port)];
  const child = spawnNode(args, {
    ...(cpu !== undefined && { cpu }),
    env: { ...env, SEALBIN_PORT: String(port) },
    logFile,
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, child);
  return { child, url, pid: child.pid as number };
}

function measure(into: Record<string, Scenario>, name: string, pid: number, job: LoadJob): void {
  if (!wanted(name)) return;
  resetPeak(pid);
  const result = runLoad(job, true);
  into[name] = { ...result, peakRssMiB: Math.round(peakRssMiB(pid) * 10) / 10 };
}

const sealbinEnv = (workers = 1): Record<string, string> => ({
  SEALBIN_DB: join(work, "sealbin.db"),
  SEALBIN_LOG_LEVEL: "info",
  SEALBIN_POW_DIFFICULTY: "0",
  SEALBIN_ANTIFLOOD: "0",
  SEALBIN_RATE_LIMIT: "1",
  SEALBIN_RATE_MAX: "1000000",
  SEALBIN_FUNCTIONS_MODULES: join(root, "modules", "modules.ini"),
  SEALBIN_WORKERS: String(workers),
  // For experiments: BENCH_SEALBIN_ENV='{"SEALBIN_LOG_LEVEL":"warn"}' changes the server's settings.
  ...(JSON.parse(process.env.BENCH_SEALBIN_ENV ?? "{}") as Record<string, string>),
});

const base = { duration: DURATION, connections: CONNECTIONS };
const baseline: Record<string, Scenario> = {};
const sealbin: Record<string, Scenario> = {};
const idle = { baseline: 0, sealbin: 0 };

console.log(
  `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}; ` +
    (canPin
      ? "server pinned to CPU 0, load generator to CPU 1 (taskset)"
      : "NOT pinned (taskset or a second core missing): figures are noisier"),
);
console.log(`each scenario: 1 s warm-up, then ${DURATION} s, ${CONNECTIONS} connections\n`);

try {
  // The baseline first, on the same core the sealbin server will get.
  {
    const server = await startServer("baseline", {}, "0");
    const { ids, big } = await seed(server.url, false);
    idle.baseline = rssMiB(server.pid);
    for (const scenario of ["create-1k", "create-64k", "get-raw-1k", "get-meta"]) {
      measure(baseline, scenario, server.pid, { ...base, url: server.url, scenario, ids });
    }
    measure(baseline, "get-raw-1m", server.pid, {
      ...base,
      url: server.url,
      scenario: "get-raw-1m",
      ids: [big],
    });
    await stop(server.child);
  }

  // sealbin, one process, pinned.
  const keys = nacl.box.keyPair();
  let seeded: Awaited<ReturnType<typeof seed>>;
  {
    const server = await startServer("sealbin", sealbinEnv(), "0");
    seeded = await seed(server.url, true);
    const { ids, big, locked } = seeded;
    const shortId = String(
      (
        await post(`${server.url}/s`, JSON.stringify({ url: "https://example.com/" }), {
          "content-type": "application/json",
        })
      ).id,
    );
    const registered = execFileSync(
      process.execPath,
      [
        join(root, "bin", "sealbin-server.js"),
        "appendclient",
        Buffer.from(keys.publicKey).toString("base64"),
      ],
      { env: { PATH: process.env.PATH ?? "", ...sealbinEnv() }, encoding: "utf8" },
    );
    const secret = /Client Hex Secret: (\S+)/.exec(registered)?.[1] ?? "";
    const serverPublic = registered.trim().split("\n").pop() ?? "";
    idle.sealbin = rssMiB(server.pid);
    const url = server.url;
    for (const scenario of ["create-1k", "create-64k", "get-raw-1k", "get-meta"]) {
      measure(sealbin, scenario, server.pid, { ...base, url, scenario, ids });
    }
    measure(sealbin, "get-raw-1m", server.pid, { ...base, url, scenario: "get-raw-1m", ids: [big] });
    measure(sealbin, "short-redirect", server.pid, { ...base, url, scenario: "short-redirect", shortId });
    measure(sealbin, "fn-call", server.pid, {
      ...base,
      url,
      scenario: "fn-call",
      fn: {
        serverPublic,
        secretKey: Buffer.from(keys.secretKey).toString("base64"),
        secret,
        entry: "time_test",
      },
    });
    measure(sealbin, "get-raw-1k+password", server.pid, {
      ...base,
      url,
      scenario: "get-raw-1k+password",
      ids,
      locked: { ids: locked, password: "correct horse", connections: 4 },
    });
    await stop(server.child);
  }

  // Scaling: one worker against two, neither pinned (two workers need both cores). The load
  // generator pipelines 8 requests per connection: the same load for far less of its CPU, which it
  // shares with the workers here.
  const scaling: Record<string, LoadResult> = {};
  for (const workers of ONLY ? [] : [1, 2]) {
    const server = await startServer("sealbin", sealbinEnv(workers));
    scaling[`workers-${workers}`] = runLoad(
      { ...base, url: server.url, scenario: "get-raw-1k", ids: seeded.ids, pipelining: 8 },
      false,
    );
    await stop(server.child);
  }
  // The same on PostgreSQL (a throwaway cluster, as npm test's), where the workers also share the
  // database server's CPU.
  if (!ONLY && postgresBinDir()) {
    const cluster = await startCluster();
    try {
      const pg = (workers: number) => ({ ...sealbinEnv(workers), SEALBIN_DATABASE_URL: cluster.url });
      const seeder = await startServer("sealbin", pg(1));
      const { ids } = await seed(seeder.url, false);
      await stop(seeder.child);
      for (const workers of [1, 2]) {
        const server = await startServer("sealbin", pg(workers));
        scaling[`postgres-workers-${workers}`] = runLoad(
          { ...base, url: server.url, scenario: "get-raw-1k", ids, pipelining: 8 },
          false,
        );
        await stop(server.child);
      }
    } finally {
      cluster.stop();
    }
  }

  report(scaling);
} finally {
  for (const child of children) child.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
}

function ratio(name: string): number | undefined {
  const s = sealbin[name];
  const b = baseline[name];
  return s && b && b.rps > 0 ? Math.round((s.rps / b.rps) * 100) / 100 : undefined;
}

/** The newest earlier run on this machine, else the reference run committed in bench/reference/. */
function previousRun(): Record<string, unknown> | undefined {
  const read = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  try {
    const files = readdirSync(resultsDir)
      .filter((f) => /^http-.*\.json$/.test(f))
      .sort();
    const last = files.pop();
    if (last) return read(join(resultsDir, last));
  } catch {
    // no runs here yet
  }
  try {
    return read(join(root, "bench", "reference", "http.json"));
  } catch {
    return undefined;
  }
}

function report(scaling: Record<string, LoadResult>): void {
  const previous = previousRun() as { date?: string; ratios?: Record<string, number> } | undefined;
  const row = (cells: (string | number)[], widths: number[]) =>
    cells.map((c, i) => String(c).padStart(widths[i] ?? 8)).join("  ");
  const widths = [22, 9, 9, 9, 7, 10, 9, 12, 8, 10];
  console.log(
    row(
      [
        "scenario",
        "req/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "unexpected",
        "peak MiB",
        "baseline r/s",
        "ratio",
        "previous",
      ],
      widths,
    ),
  );
  const ratios: Record<string, number> = {};
  for (const [name, s] of Object.entries(sealbin)) {
    const r = ratio(name);
    if (r !== undefined) ratios[name] = r;
    console.log(
      row(
        [
          name,
          s.rps,
          s.p50,
          s.p99,
          s.errors,
          s.unexpected,
          s.peakRssMiB,
          baseline[name]?.rps ?? "-",
          r ?? "-",
          previous?.ratios?.[name] ?? "-",
        ],
        widths,
      ),
    );
    if (s.locked) {
      console.log(
        row(
          [
            "  (password reads)",
            s.locked.rps,
            s.locked.p50,
            s.locked.p99,
            s.locked.errors,
            s.locked.unexpected,
            "",
            "",
            "",
            "",
          ],
          widths,
        ),
      );
    }
  }
  console.log(`\nidle RSS: sealbin ${idle.sealbin.toFixed(1)} MiB, baseline ${idle.baseline.toFixed(1)} MiB`);
  const scale = (prefix: string) => {
    const one = scaling[`${prefix}workers-1`];
    const two = scaling[`${prefix}workers-2`];
    const factor = one && two && one.rps > 0 ? Math.round((two.rps / one.rps) * 100) / 100 : undefined;
    const share = (r: LoadResult | undefined) => `${Math.round((r?.cpuShare ?? 0) * 100)} %`;
    if (one && two)
      console.log(
        `SEALBIN_WORKERS scaling on ${prefix ? "PostgreSQL" : "SQLite"} (get-raw-1k, unpinned, pipelined load generator sharing the cores): ` +
          `1 worker ${one.rps} req/s (load generator ${share(one)} of the CPU), 2 workers ${two.rps} req/s (${share(two)}), factor ${factor ?? "-"}`,
      );
    return factor;
  };
  const factor = scale("");
  const pgFactor = scale("postgres-");

  const alone = sealbin["get-raw-1k"]?.p99;
  const during = sealbin["get-raw-1k+password"]?.p99;
  const targets: Target[] = [
    ...(
      [
        ["get-raw-1k", 0.7],
        ["get-meta", 0.7],
        ["get-raw-1m", 0.8],
        ["create-1k", 0.5],
      ] as const
    ).map(([name, goal]) => {
      const value = ratios[name];
      return {
        name: `${name} ratio`,
        value,
        goal: `>= ${goal}`,
        met: value === undefined ? undefined : value >= goal,
      };
    }),
    {
      name: "plain-read p99 during password reads / alone",
      value: alone && during !== undefined ? Math.round((during / alone) * 100) / 100 : undefined,
      goal: "<= 2",
      met: alone && during !== undefined ? during <= 2 * alone : undefined,
    },
    {
      name: "workers 2 / 1 (get-raw-1k)",
      value: factor,
      goal: "> 1",
      met: factor === undefined ? undefined : factor > 1,
    },
    {
      name: "workers 2 / 1 on PostgreSQL (get-raw-1k)",
      value: pgFactor,
      goal: "> 1",
      met: pgFactor === undefined ? undefined : pgFactor > 1,
    },
  ];
  console.log("\ntargets:");
  for (const t of targets) {
    console.log(
      `  ${t.met === undefined ? "?   " : t.met ? "met " : "MISS"}  ${t.name}: ${t.value ?? "-"} (${t.goal})`,
    );
  }
  if (previous?.date) console.log(`\n"previous": ratios of the run of ${previous.date}`);

  if (ONLY || process.env.BENCH_SEALBIN_ENV) {
    console.log("(an experiment: BENCH_ONLY or BENCH_SEALBIN_ENV set, so no results file is written)");
    return;
  }
  mkdirSync(resultsDir, { recursive: true });
  const date = new Date().toISOString();
  const file = join(resultsDir, `http-${date.replace(/[:.]/g, "-")}.json`);
  const machine = {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model,
    node: process.version,
    pinned: canPin,
  };
  writeFileSync(
    file,
    `${JSON.stringify({ date, machine, duration: DURATION, connections: CONNECTIONS, idle, baseline, sealbin, ratios, scaling, targets }, null, 2)}\n`,
  );
  console.log(`raw results: ${file.slice(root.length)}`);
}

/**
 * The clients' proof-of-work search against the practical limit for SHA-256 on this CPU:
 * - the hash rate of the built search thread (dist/web/pow-worker.js, the source the CLI bundle
 *   embeds and starts with `eval`, as src/client/node-pow.ts does), with its WebAssembly SIMD engine
 *   and with the scalar fallback, against `openssl speed -evp sha256 -bytes 64`, on one core and on
 *   every core;
 * - 20 difficulty-20 challenges solved as the CLI solves them;
 * - 20 difficulty-20 pastes created on the page in headless Chromium (Debian's, through
 *   playwright-core, as the web tests run it), from the click to the link: its Web Worker pool.
 * Run: npm run bench -- pow   (figures in docs/performance.md)
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { chromium } from "playwright-core";
import { toolPath } from "../scripts/system-deps.ts";
import { leadingZeroBits, type PowEngine, powHash } from "../src/protocol/pow.ts";
import { spawnNode, stop, waitUntilUp } from "./lib/proc.ts";

const WORKER = readFileSync(new URL("../dist/web/pow-worker.js", import.meta.url), "utf8");
const SERVER = new URL("../bin/sealbin-server.js", import.meta.url).pathname;
const SECONDS = 3;
const RUNS = 20;
// The CLI uses every core, up to 8 (src/client/pow-solver.ts).
const cores = Math.max(1, Math.min(8, availableParallelism()));

interface Job {
  nonce: string;
  difficulty: number;
  start: number;
  step: number;
  engine: PowEngine;
}

/** A search thread on `job`, started as the CLI starts it. */
function startSearch(job: Job): Worker {
  const worker = new Worker(WORKER, { eval: true });
  worker.postMessage(job);
  return worker;
}

/** Hashes per second of `threads` search threads looking for a solution they will not find (2^-64 a try). */
async function rate(threads: number, engine: PowEngine): Promise<number> {
  const nonce = randomBytes(16).toString("hex");
  let tried = 0;
  const heard = new Set<string>();
  const workers = Array.from({ length: threads }, (_, k) =>
    startSearch({ nonce, difficulty: 64, start: k, step: threads, engine }),
  );
  for (const w of workers)
    w.on("message", (m: { tried?: number; engine?: string }) => {
      if (m.engine) heard.add(m.engine);
      tried += m.tried ?? 0;
    });
  await new Promise((r) => setTimeout(r, 500)); // warm-up (and V8's tier-up of the WebAssembly code)
  const start = tried;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const hashes = ((tried - start) * 1000) / (performance.now() - t0);
  await Promise.all(workers.map((w) => w.terminate()));
  if (heard.size !== 1 || !heard.has(engine)) throw new Error(`asked for ${engine}, ran ${[...heard]}`);
  return hashes;
}

/** One challenge solved as the CLI solves it: every thread, first answer wins; checked. */
async function solve(difficulty: number): Promise<number> {
  const nonce = randomBytes(16).toString("hex");
  const t0 = performance.now();
  const solution = await new Promise<number>((resolve, reject) => {
    const workers = Array.from({ length: cores }, (_, k) =>
      startSearch({ nonce, difficulty, start: k, step: cores, engine: "wasm-simd" }),
    );
    for (const w of workers) {
      w.on("message", (m: { solution?: number }) => {
        if (m.solution === undefined) return;
        for (const other of workers) void other.terminate();
        resolve(m.solution);
      });
      w.on("error", reject);
    }
  });
  const ms = performance.now() - t0;
  if (leadingZeroBits(powHash(nonce, solution)) < difficulty) throw new Error("wrong solution");
  return ms;
}

/** openssl's SHA-256 rate on 64-byte inputs, in hashes per second. */
function opensslRate(multi: number): number | undefined {
  try {
    const args = ["speed", "-evp", "sha256", "-bytes", "64", "-seconds", String(SECONDS)];
    const out = execFileSync("openssl", multi > 1 ? [...args, "-multi", String(multi)] : args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const kbPerSecond = Number(/^sha256\s+([0-9.]+)k/m.exec(out)?.[1]);
    return Number.isFinite(kbPerSecond) ? (kbPerSecond * 1000) / 64 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Milliseconds from "Create paste" to the link, for RUNS pastes on a server asking difficulty 20
 * (anti-flood and rate limits off, so every challenge is 20 bits), and the engines the page used;
 * undefined without Chromium.
 */
async function pageSolves(): Promise<{ times: number[]; engines: string[] } | undefined> {
  const executablePath = toolPath("chromium");
  if (!executablePath) return undefined;
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawnNode([SERVER], {
    env: {
      SEALBIN_PORT: String(port),
      SEALBIN_DB: join(mkdtempSync(join(tmpdir(), "sealbin-bench-pow-")), "sealbin.db"),
      SEALBIN_POW_DIFFICULTY: "20",
      SEALBIN_ANTIFLOOD: "0",
      SEALBIN_RATE_LIMIT: "0",
      SEALBIN_LOG_LEVEL: "warn",
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  try {
    await waitUntilUp(url, server);
    const page = await browser.newPage();
    const times: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      await page.goto(`${url}/`);
      await page
        .getByLabel("Text", { exact: true })
        .fill(`benchmark paste ${randomBytes(8).toString("hex")}`);
      const t0 = performance.now();
      await page.getByRole("button", { name: "Create paste" }).click();
      await page.locator("#result").waitFor({ state: "visible", timeout: 120_000 });
      if (i > 0) times.push(performance.now() - t0); // the first loads the worker into the cache
    }
    const engines = await page.evaluate(() => performance.getEntriesByType("mark").map((m) => m.name));
    return { times, engines };
  } finally {
    await browser.close();
    await stop(server);
  }
}

const M = (r: number | undefined) => (r === undefined ? "-" : `${(r / 1e6).toFixed(2)} M/s`);
const ratio = (a: number, b: number | undefined) => (b ? (a / b).toFixed(2) : "-");
const simdOne = await rate(1, "wasm-simd");
const simdAll = await rate(cores, "wasm-simd");
const scalarOne = await rate(1, "scalar");
const scalarAll = await rate(cores, "scalar");
const sslOne = opensslRate(1);
const sslAll = opensslRate(cores);
console.log(`SHA-256 proof-of-work hash rate (${cores} cores)`);
console.log(`                    wasm-simd      scalar   openssl speed   ratio simd   ratio scalar`);
for (const [label, simd, scalar, ssl] of [
  ["one core", simdOne, scalarOne, sslOne],
  ["every core", simdAll, scalarAll, sslAll],
] as const) {
  console.log(
    `${label.padEnd(14)} ${M(simd).padStart(14)} ${M(scalar).padStart(11)} ${M(ssl).padStart(15)}` +
      `   ${ratio(simd, ssl).padStart(10)}   ${ratio(scalar, ssl).padStart(12)}`,
  );
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => {
  const s = sorted(xs);
  return ((s[(s.length - 1) >> 1] ?? 0) + (s[s.length >> 1] ?? 0)) / 2;
};
const times: number[] = [];
for (let i = 0; i < RUNS; i++) times.push(await solve(20));
const mean = times.reduce((a, b) => a + b, 0) / RUNS;
console.log(
  `\nCLI, difficulty 20: mean ${mean.toFixed(0)} ms over ${RUNS} challenges (median ${median(times).toFixed(0)} ms, ` +
    `worst ${sorted(times).at(-1)?.toFixed(0)} ms; expected mean from the rate ${((2 ** 20 / simdAll) * 1000).toFixed(0)} ms)`,
);

const page = await pageSolves();
if (page) {
  const engines = [...new Set(page.engines)].join(", ");
  console.log(
    `Chromium page, difficulty 20: median ${median(page.times).toFixed(0)} ms over ${RUNS} pastes from the click to ` +
      `the link (mean ${(page.times.reduce((a, b) => a + b, 0) / RUNS).toFixed(0)} ms, worst ` +
      `${sorted(page.times).at(-1)?.toFixed(0)} ms; engine: ${engines})`,
  );
} else console.log("Chromium page: not measured (no chromium: npm test installs it)");

const targets = [
  {
    name: "CLI every core / openssl every core",
    value: sslAll ? Math.round((simdAll / sslAll) * 100) / 100 : undefined,
    goal: ">= 0.5",
    met: sslAll ? simdAll / sslAll >= 0.5 : undefined,
  },
  {
    name: "Chromium page, median difficulty-20 solve",
    value: page ? `${(median(page.times) / 1000).toFixed(2)} s` : undefined,
    goal: "<= 1.5 s",
    met: page ? median(page.times) <= 1500 : undefined,
  },
];
console.log("\ntargets:");
for (const t of targets) {
  console.log(
    `  ${t.met === undefined ? "?   " : t.met ? "met " : "MISS"}  ${t.name}: ${t.value ?? "-"} (${t.goal})`,
  );
}

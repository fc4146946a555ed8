/**
 * The CLI's proof-of-work solver against the practical limit for SHA-256 on this CPU: the hash rate
 * of the built search thread (dist/web/pow-worker.js, the source the CLI bundle embeds and starts with
 * `eval`, as src/client/node-pow.ts does)
 * against `openssl speed -evp sha256 -bytes 64`, on one core and on every core; then the mean time
 * to solve difficulty-20 challenges.
 * Run: npm run bench -- pow   (figures in docs/performance.md)
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { leadingZeroBits, powHash } from "../src/protocol/pow.ts";

const WORKER = readFileSync(new URL("../dist/web/pow-worker.js", import.meta.url), "utf8");
const SECONDS = 3;
// The CLI uses every core, up to 8 (src/client/pow-solver.ts).
const cores = Math.max(1, Math.min(8, availableParallelism()));

/** A search thread on `job`, started as the CLI starts it. */
function startSearch(job: { nonce: string; difficulty: number; start: number; step: number }): Worker {
  const worker = new Worker(WORKER, { eval: true });
  worker.postMessage(job);
  return worker;
}

/** Hashes per second of `threads` CLI search threads looking for a solution they will not find (2^-64 a try). */
async function cliRate(threads: number): Promise<number> {
  const nonce = randomBytes(16).toString("hex");
  let tried = 0;
  const workers = Array.from({ length: threads }, (_, k) =>
    startSearch({ nonce, difficulty: 64, start: k, step: threads }),
  );
  for (const w of workers) w.on("message", (m: { tried?: number }) => (tried += m.tried ?? 0));
  await new Promise((r) => setTimeout(r, 500)); // warm-up
  const start = tried;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const rate = ((tried - start) * 1000) / (performance.now() - t0);
  await Promise.all(workers.map((w) => w.terminate()));
  return rate;
}

/** One challenge solved as the CLI solves it: every thread, first answer wins; checked. */
async function solve(difficulty: number): Promise<number> {
  const nonce = randomBytes(16).toString("hex");
  const t0 = performance.now();
  const solution = await new Promise<number>((resolve, reject) => {
    const workers = Array.from({ length: cores }, (_, k) =>
      startSearch({ nonce, difficulty, start: k, step: cores }),
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

const M = (r: number | undefined) => (r === undefined ? "-" : `${(r / 1e6).toFixed(2)} M/s`);
const one = await cliRate(1);
const all = await cliRate(cores);
const sslOne = opensslRate(1);
const sslAll = opensslRate(cores);
const ratio = (a: number, b: number | undefined) => (b ? (a / b).toFixed(2) : "-");
console.log(`SHA-256 proof-of-work hash rate (${cores} cores)`);
console.log(`              sealbin CLI   openssl speed   ratio`);
console.log(`one core      ${M(one).padStart(11)}   ${M(sslOne).padStart(13)}   ${ratio(one, sslOne)}`);
console.log(`every core    ${M(all).padStart(11)}   ${M(sslAll).padStart(13)}   ${ratio(all, sslAll)}`);
const target = sslAll ? all / sslAll >= 0.5 : undefined;
console.log(`target (every core) >= 0.5: ${target === undefined ? "?" : target ? "met" : "MISS"}`);

const runs = 20;
const times: number[] = [];
for (let i = 0; i < runs; i++) times.push(await solve(20));
times.sort((a, b) => a - b);
const mean = times.reduce((a, b) => a + b, 0) / runs;
console.log(
  `difficulty 20: mean ${mean.toFixed(0)} ms over ${runs} challenges (median ${times[runs / 2]?.toFixed(0)} ms, ` +
    `worst ${times[runs - 1]?.toFixed(0)} ms; expected mean from the rate ${((2 ** 20 / all) * 1000).toFixed(0)} ms)`,
);

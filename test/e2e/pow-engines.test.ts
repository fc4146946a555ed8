/**
 * The built proof-of-work search thread (dist/web/pow-worker.js, the text the CLI embeds) and the
 * built CLI against a real server: which engine runs — WebAssembly SIMD where Node has it, the
 * scalar search where WebAssembly is missing (node --jitless has none) — and that both solve.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { leadingZeroBits } from "../../src/protocol/pow.ts";
import { cliHome, runCli } from "../helpers/cli.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const WORKER = readFileSync(new URL("../../dist/web/pow-worker.js", import.meta.url), "utf8");
const bits = (nonce: string, n: number) =>
  leadingZeroBits(createHash("sha256").update(`${nonce}:${n}`).digest());

interface Heard {
  engine?: string;
  solution?: number;
  tried: number;
}

/** Runs one job on the built worker, started as the CLI starts it (`eval` of its source). */
function runWorker(job: object): Promise<Heard> {
  const worker = new Worker(WORKER, { eval: true });
  const heard: Heard = { tried: 0 };
  return new Promise((resolve, reject) => {
    worker.on("error", reject);
    worker.on("message", (m: { engine?: string; tried?: number; solution?: number }) => {
      if (m.engine !== undefined) heard.engine ??= m.engine;
      heard.tried += m.tried ?? 0;
      if (m.solution === undefined) return;
      heard.solution = m.solution;
      void worker.terminate().then(() => resolve(heard));
    });
    worker.postMessage(job);
  });
}

describe("the built proof-of-work search thread", () => {
  it("runs the WebAssembly SIMD engine in Node, and its solution meets the difficulty by node:crypto", async () => {
    const nonce = randomBytes(16).toString("hex");
    const heard = await runWorker({ nonce, difficulty: 18, start: 1, step: 2 });
    assert.equal(heard.engine, "wasm-simd");
    const n = heard.solution as number;
    assert.ok(bits(nonce, n) >= 18 && n % 2 === 1, `${n}`);
    assert.equal(
      heard.tried,
      Math.floor((n - 1) / 2 / 65536) * 65536,
      "progress as the scalar search reports it",
    );
  });

  it("runs the scalar engine when the job asks for it, and finds the same smallest solution", async () => {
    const job = { nonce: "5f4dcc3b5aa765d61d8327deb882cf99", difficulty: 20, start: 0, step: 1 };
    const simd = await runWorker(job);
    const scalar = await runWorker({ ...job, engine: "scalar" });
    assert.deepEqual([simd.engine, scalar.engine], ["wasm-simd", "scalar"]);
    assert.deepEqual([simd.solution, scalar.solution], [483159, 483159]);
  });

  it("falls back to the scalar engine where WebAssembly is missing (node --jitless)", () => {
    const script = `
      const { Worker } = require("node:worker_threads");
      const worker = new Worker(require("node:fs").readFileSync(process.argv[1], "utf8"), { eval: true });
      const heard = [];
      worker.on("message", (m) => {
        heard.push(m);
        if (m.solution !== undefined) {
          console.log(JSON.stringify({ wasm: typeof WebAssembly, heard }));
          process.exit(0);
        }
      });
      worker.postMessage({ nonce: "00112233445566778899aabbccddeeff", difficulty: 8, start: 0, step: 1 });`;
    const worker = new URL("../../dist/web/pow-worker.js", import.meta.url).pathname;
    const run = spawnSync(process.execPath, ["--jitless", "-e", script, worker], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.wasm, "undefined");
    assert.deepEqual(out.heard, [{ engine: "scalar" }, { solution: 55 }]);
  });
});

describe("the built CLI's proof-of-work against a real server", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ powDifficulty: 18, antiflood: false });
  });
  after(async () => {
    await server.close();
  });

  it("solves the server's difficulty-18 challenge with the WebAssembly SIMD search on worker threads", async () => {
    const home = cliHome();
    const env = { ...home.env, SEALBIN_SERVER: server.url, SEALBIN_POW_DEBUG: "1" };
    const created = await runCli([], { env, input: "hashed four at a time" });
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stderr, /^sealbin: proof-of-work: wasm-simd search on \d+ thread\(s\)$/m);
    const got = await runCli(["get", created.stdout.toString().trim()], { env: home.env });
    assert.equal(got.stdout.toString(), "hashed four at a time");
  });

  it("solves it with the scalar search where WebAssembly is missing (NODE_OPTIONS=--jitless)", async () => {
    const easy = await startServer({ powDifficulty: 13, antiflood: false });
    try {
      const home = cliHome();
      const env = {
        ...home.env,
        SEALBIN_SERVER: easy.url,
        SEALBIN_POW_DEBUG: "1",
        NODE_OPTIONS: "--jitless",
      };
      const created = await runCli([], { env, input: "hashed one at a time" });
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stderr, /^sealbin: proof-of-work: scalar search on \d+ thread\(s\)$/m);
    } finally {
      await easy.close();
    }
  });
});

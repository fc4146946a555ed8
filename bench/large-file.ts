/**
 * Peak memory of a sealbin process taking one 1 GiB file through tus (POST /uploads, PATCH in 8 MiB
 * parts) and serving it back from GET /{id}/raw, on SQLite and on PostgreSQL (issue 26 item 4: each
 * phase grows the server's peak RSS by at most 64 MiB). Before each phase the peak is reset
 * (`echo 5 > /proc/PID/clear_refs`); growth = VmHWM after the phase − VmRSS before it.
 * The caller is identified (loopback is an identity proxy by default, so X-SSL-Client-SHA1 counts),
 * so SEALBIN_MAX_FILE (1 GiB + 1 MiB) applies. Proof-of-work is off: it costs CPU at creation only.
 * The body is random bytes, not a v2 stream: the server stores and serves opaque bytes either way.
 * The bench never holds more than one 8 MiB part. Run: npm run bench -- large
 */

import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { onEachBackend } from "./lib/backends.ts";
import { freePort, peakRssMiB, resetPeak, rssMiB, spawnNode, stop, waitUntilUp } from "./lib/proc.ts";

const SERVER = fileURLToPath(new URL("../bin/sealbin-server.js", import.meta.url));
// For experiments: BENCH_NODE_ARGS="--max-semi-space-size=2" (flags for the server's node),
// BENCH_SEALBIN_ENV='{"SEALBIN_LOG_LEVEL":"warn"}' (its environment), BENCH_SERVER_LOG=FILE (its
// stdout, appended: with --trace-gc, its collections).
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
const extraEnv = JSON.parse(process.env.BENCH_SEALBIN_ENV ?? "{}") as Record<string, string>;
const SIZE = Number(process.env.BENCH_LARGE_FILE_MIB ?? 1024) * 1024 * 1024;
const PART = 8 * 1024 * 1024;
const BOUND_MIB = 64;
const CALLER = { "x-ssl-client-sha1": "ab".repeat(20) };
const TUS = { "tus-resumable": "1.0.0" };

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; text: string };
function send(
  method: string,
  url: string,
  headers: Record<string, string | number>,
  body?: Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => {
        if (text.length < 1000) text += d.toString("latin1");
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Streams GET url to nowhere, counting bytes and hashing them. */
function download(url: string): Promise<{ status: number; bytes: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: CALLER }, (res) => {
      const hash = createHash("sha256");
      let bytes = 0;
      res.on("data", (d: Buffer) => {
        bytes += d.length;
        hash.update(d);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes, sha256: hash.digest("hex") }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function measure(backend: string, backendEnv: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "sealbin-bench-file-"));
  const port = await freePort();
  const child = spawnNode([...NODE_ARGS, SERVER], {
    logFile: process.env.BENCH_SERVER_LOG,
    env: {
      SEALBIN_PORT: String(port),
      SEALBIN_DB: join(dir, "sealbin.db"),
      SEALBIN_POW_DIFFICULTY: "0",
      SEALBIN_LOG_LEVEL: "info",
      ...extraEnv,
      ...backendEnv,
    },
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitUntilUp(url, child);
    const pid = child.pid as number;
    const idle = rssMiB(pid);

    const created = await send("POST", `${url}/uploads`, { ...TUS, ...CALLER, "upload-length": SIZE });
    if (created.status !== 201) throw new Error(`create: ${created.status} ${created.text}`);
    const location = new URL(String(created.headers.location), url).href;

    // One random 8 MiB part, sent again and again with its first bytes changed: the bench holds
    // one part, the server sees varied, high-entropy bytes.
    const part = randomBytes(PART);
    const sent = createHash("sha256");
    const upBefore = rssMiB(pid);
    resetPeak(pid);
    const upStart = performance.now();
    let pasteId = "";
    for (let offset = 0, n = 0; offset < SIZE; offset += PART, n++) {
      part.writeUInt32BE(n, 0);
      const body = part.subarray(0, Math.min(PART, SIZE - offset));
      sent.update(body);
      const r = await send(
        "PATCH",
        location,
        {
          ...TUS,
          ...CALLER,
          "content-type": "application/offset+octet-stream",
          "upload-offset": offset,
          "content-length": body.length,
        },
        body,
      );
      if (r.status !== 204) throw new Error(`PATCH at ${offset}: ${r.status} ${r.text}`);
      if (r.headers["x-paste-id"]) pasteId = String(r.headers["x-paste-id"]);
    }
    const upSeconds = (performance.now() - upStart) / 1000;
    const upPeak = peakRssMiB(pid);
    if (!pasteId) throw new Error("the last PATCH named no paste");

    const downBefore = rssMiB(pid);
    resetPeak(pid);
    const downStart = performance.now();
    const got = await download(`${url}/${pasteId}/raw`);
    const downSeconds = (performance.now() - downStart) / 1000;
    const downPeak = peakRssMiB(pid);
    if (got.status !== 200 || got.bytes !== SIZE)
      throw new Error(`download: ${got.status}, ${got.bytes} bytes`);
    if (got.sha256 !== sent.digest("hex")) throw new Error("download: the bytes differ from the upload");
    return {
      backend,
      idle_mib: idle,
      upload: { growth_mib: upPeak - upBefore, seconds: upSeconds, mib_s: SIZE / 2 ** 20 / upSeconds },
      download: {
        growth_mib: downPeak - downBefore,
        seconds: downSeconds,
        mib_s: SIZE / 2 ** 20 / downSeconds,
      },
    };
  } finally {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = await onEachBackend(measure);

const verdict = (mib: number) => (mib <= BOUND_MIB ? "PASS" : "MISS");
const f = (n: number, width: number) => n.toFixed(1).padStart(width);
console.log(
  `one ${SIZE / 2 ** 20} MiB file via tus (8 MiB PATCHes) and GET /{id}/raw; server peak RSS growth per phase`,
);
console.log("backend     idle MiB   upload +MiB       MiB/s   download +MiB     MiB/s");
for (const r of results) {
  const { upload: up, download: down } = r;
  console.log(
    `${r.backend.padEnd(10)} ${f(r.idle_mib, 8)}   ${f(up.growth_mib, 7)} ${verdict(up.growth_mib)} ${f(up.mib_s, 9)}   ${f(down.growth_mib, 7)} ${verdict(down.growth_mib)} ${f(down.mib_s, 9)}`,
  );
}
console.log(
  JSON.stringify({ bench: "large-file", size: SIZE, bound_mib: BOUND_MIB, node_args: NODE_ARGS, results }),
);
if (results.some((r) => r.upload.growth_mib > BOUND_MIB || r.download.growth_mib > BOUND_MIB))
  process.exitCode = 1;

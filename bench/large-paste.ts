/**
 * Peak memory of a sealbin process moving one 50 MiB paste in and out, on SQLite and on PostgreSQL
 * (a throwaway server, as in the tests). Peak RSS is read from /proc/<pid>/status (VmHWM) after
 * start, after the upload and after the download; figures go to docs/performance.md.
 * Run: npm run bench -- large
 */

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { onEachBackend } from "./lib/backends.ts";

const SERVER = fileURLToPath(new URL("../bin/sealbin-server.js", import.meta.url));
const SIZE = 50 * 1024 * 1024;
const MiB = (kb: number) => (kb / 1024).toFixed(1);

function peakKb(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
}

function send(
  method: string,
  url: string,
  body?: Buffer,
): Promise<{ status: number; bytes: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: body ? { "content-length": body.length } : {} }, (res) => {
      let bytes = 0;
      let text = "";
      res.on("data", (d: Buffer) => {
        bytes += d.length;
        if (text.length < 1000) text += d.toString("latin1");
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function measure(backend: string, extraEnv: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "sealbin-bench-large-"));
  const child = spawn(process.execPath, [SERVER], {
    env: {
      PATH: process.env.PATH ?? "",
      SEALBIN_PORT: "0",
      SEALBIN_DB: join(dir, "sealbin.db"),
      SEALBIN_POW_DIFFICULTY: "0",
      SEALBIN_MAX_ANON: String(SIZE + 1024),
      SEALBIN_LOG_LEVEL: "info",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  for (let i = 0; i < 200 && !/listening at (http:\/\/[^"]+)/.test(out); i++)
    await new Promise((r) => setTimeout(r, 50));
  const url = /listening at (http:\/\/[^"]+)/.exec(out)?.[1];
  if (!url || child.pid === undefined) throw new Error("server did not start");
  await send("GET", `${url}/health`);
  const idle = peakKb(child.pid);
  const body = Buffer.alloc(SIZE, 0x61);
  const created = await send("POST", `${url}/`, body);
  if (created.status !== 201) throw new Error(`upload: ${created.status} ${created.text}`);
  const afterUpload = peakKb(child.pid);
  const { id } = JSON.parse(created.text) as { id: string };
  const got = await send("GET", `${url}/${id}/raw`);
  if (got.bytes !== SIZE) throw new Error(`download: ${got.bytes} bytes`);
  const afterDownload = peakKb(child.pid);
  child.kill("SIGTERM");
  await new Promise((r) => child.on("exit", r));
  rmSync(dir, { recursive: true, force: true });
  return { backend, idle, afterUpload, afterDownload };
}

const results = await onEachBackend(measure);

console.log("one 50 MiB paste; peak RSS of the server process (VmHWM), MiB");
console.log("backend    idle   after upload (+growth)   after download (+growth)");
for (const r of results) {
  console.log(
    `${r.backend.padEnd(9)} ${MiB(r.idle).padStart(6)}   ${MiB(r.afterUpload).padStart(6)} (+${MiB(r.afterUpload - r.idle)})         ${MiB(r.afterDownload).padStart(6)} (+${MiB(r.afterDownload - r.idle)})`,
  );
}

import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as tus from "tus-js-client";
import { sweepExpired } from "../../src/features/ops/sweep.usecases.ts";
import { spawnServer } from "../helpers/process.ts";
import { FINGERPRINT_A, FINGERPRINT_B, startServer, type TestServer } from "../helpers/server.ts";

/**
 * Resumable uploads (tus 1.0, docs/uploads.md) against the real server: tus-js-client as a real
 * client, cut connections, restarts, and every rule of POST / on the paste an upload becomes.
 */

const TUS = { "tus-resumable": "1.0.0" };
const MiB = 1024 * 1024;

async function call(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Uint8Array,
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
): Promise<{ status: number; headers: Headers; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body ? { body: body as unknown as BodyInit } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

async function create(base: string, length: number, headers: Record<string, string> = {}) {
  const r = await call(base, "POST", "/uploads", { ...TUS, "upload-length": String(length), ...headers });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.headers.get("location") as string;
}

const patch = (
  base: string,
  path: string,
  offset: number,
  body: Uint8Array,
  headers: Record<string, string> = {},
) =>
  call(
    base,
    "PATCH",
    path,
    {
      ...TUS,
      "content-type": "application/offset+octet-stream",
      "upload-offset": String(offset),
      ...headers,
    },
    body,
  );

const offsetOf = async (base: string, path: string, headers: Record<string, string> = {}) =>
  Number((await call(base, "HEAD", path, { ...TUS, ...headers })).headers.get("upload-offset"));

/**
 * Sends `body` as a PATCH but cuts the connection after `sendBytes`, as a dropped network would:
 * once the server has stored a first chunk of them, so that the cut comes in the middle of the body.
 */
function cutPatch(
  base: string,
  path: string,
  body: Uint8Array,
  sendBytes: number,
  who: Record<string, string>,
): Promise<void> {
  return new Promise((resolve) => {
    const url = new URL(`${base}${path}`);
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: "PATCH",
      headers: {
        ...TUS,
        ...who,
        "content-type": "application/offset+octet-stream",
        "upload-offset": "0",
        "content-length": String(body.length),
      },
    });
    req.on("error", () => resolve());
    req.on("response", () => resolve());
    req.write(body.subarray(0, sendBytes), () => {
      until(async () => (await offsetOf(base, path, who)) > 0, "a first chunk stored").then(() => {
        req.destroy();
        resolve();
      }, resolve);
    });
  });
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("resumable uploads (tus)", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ maxAnon: 1 * MiB, maxAuth: 16 * MiB });
  });
  after(async () => server?.close());

  it("tus-js-client uploads a file that becomes a paste with POST /'s options", async () => {
    const content = randomBytes(3 * MiB + 12345);
    let pasteId: string | null = null;
    await new Promise<void>((resolve, reject) => {
      const upload = new tus.Upload(content, {
        endpoint: `${server.url}/uploads`,
        chunkSize: MiB,
        headers: { "x-ssl-client-sha1": FINGERPRINT_A, "x-max-views": "3", "x-expiry": "3600" },
        metadata: { filetype: "application/octet-stream" },
        retryDelays: [],
        onAfterResponse: (_req, res) => {
          pasteId = res.getHeader("x-paste-id") ?? pasteId;
        },
        onError: reject,
        onSuccess: () => resolve(),
      });
      upload.start();
    });
    assert.ok(pasteId, "the last PATCH names the paste");
    const meta = await call(server.url, "GET", `/${pasteId}`, { accept: "application/json" });
    assert.equal(meta.json.size, content.length);
    assert.equal(meta.json.max_views, 3);
    const mine = await call(server.url, "GET", "/pastes", { "x-ssl-client-sha1": FINGERPRINT_A });
    assert.ok(
      mine.json.pastes.some((p: { id: string }) => p.id === pasteId),
      "the uploader owns it",
    );
    const raw = Buffer.from(await (await fetch(`${server.url}/${pasteId}/raw`)).arrayBuffer());
    assert.equal(sha(raw), sha(content));
    const left = await call(server.url, "GET", `/${pasteId}`, { accept: "application/json" });
    assert.equal(left.json.views_left, 2);
  });

  it("an upload cut mid-body keeps every byte that arrived and resumes from there", async () => {
    const content = randomBytes(Math.floor(2.5 * MiB));
    const who = { "x-ssl-client-sha1": FINGERPRINT_A };
    const id = new URL(await create(server.url, content.length, who), server.url).pathname;
    await cutPatch(server.url, id, content, Math.floor(1.5 * MiB), who);
    // Every byte sent before the cut arrives (the connection closes after them), and every one is
    // stored: the last, partial chunk once the server sees the cut.
    const sent = Math.floor(1.5 * MiB);
    await until(async () => (await offsetOf(server.url, id, who)) === sent, "every byte sent to be stored");
    const offset = sent;
    const done = await patch(server.url, id, offset, content.subarray(offset), who);
    assert.equal(done.status, 204, JSON.stringify(done.json));
    assert.equal(Number(done.headers.get("upload-offset")), content.length);
    const pasteId = done.headers.get("x-paste-id");
    const raw = Buffer.from(await (await fetch(`${server.url}/${pasteId}/raw`)).arrayBuffer());
    assert.equal(sha(raw), sha(content));
    const range = await fetch(`${server.url}/${pasteId}/raw`, {
      headers: { range: `bytes=${offset - 10}-${offset + 9}` },
    });
    assert.equal(range.status, 206, "a range across the chunks of two requests");
    assert.deepEqual(Buffer.from(await range.arrayBuffer()), content.subarray(offset - 10, offset + 10));
  });

  it("refuses what POST / refuses before any byte: size, length, version, views", async () => {
    const tooBig = await call(server.url, "POST", "/uploads", { ...TUS, "upload-length": String(2 * MiB) });
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.json.code, "paste_too_large");
    const empty = await call(server.url, "POST", "/uploads", { ...TUS, "upload-length": "0" });
    assert.equal(empty.status, 400);
    for (const length of ["", "-1", "1e3", "0x10", "12345678901234567890"]) {
      const bad = await call(server.url, "POST", "/uploads", { ...TUS, "upload-length": length });
      assert.equal(bad.status, 400, length);
    }
    const deferred = await call(server.url, "POST", "/uploads", { ...TUS, "upload-defer-length": "1" });
    assert.equal(deferred.json.code, "invalid_upload_request");
    const noVersion = await call(server.url, "POST", "/uploads", { "upload-length": "10" });
    assert.equal(noVersion.status, 412);
    assert.equal(noVersion.headers.get("tus-version"), "1.0.0");
    const badViews = await call(server.url, "POST", "/uploads", {
      ...TUS,
      "upload-length": "10",
      "x-max-views": "0",
    });
    assert.equal(badViews.status, 400);
    const options = await call(server.url, "OPTIONS", "/uploads", {});
    assert.equal(options.status, 204);
    assert.equal(options.headers.get("tus-extension"), "creation,termination,expiration");
    assert.equal(options.headers.get("tus-max-size"), String(MiB));
  });

  it("refuses a PATCH at the wrong offset, of the wrong type, past the length, or on someone else's upload", async () => {
    const who = { "x-ssl-client-sha1": FINGERPRINT_A };
    const path = new URL(await create(server.url, 10, who), server.url).pathname;
    const wrong = await patch(server.url, path, 5, Buffer.from("hello"), who);
    assert.equal(wrong.status, 409);
    assert.equal(wrong.json.code, "upload_offset_mismatch");
    assert.equal(wrong.headers.get("upload-offset"), "0");
    const type = await call(
      server.url,
      "PATCH",
      path,
      { ...TUS, ...who, "content-type": "text/plain", "upload-offset": "0" },
      Buffer.from("hello"),
    );
    assert.equal(type.status, 415);
    const past = await patch(server.url, path, 0, Buffer.from("hello, too long"), who);
    assert.equal(past.status, 413);
    assert.equal(await offsetOf(server.url, path, who), 0, "nothing past the length is stored");
    const other = await patch(server.url, path, 0, Buffer.from("hello"), {
      "x-ssl-client-sha1": FINGERPRINT_B,
    });
    assert.equal(other.status, 404);
    assert.equal((await call(server.url, "HEAD", `/uploads/${"0".repeat(32)}`, TUS)).status, 404);
    assert.equal((await call(server.url, "HEAD", "/uploads/not-an-id", TUS)).status, 404);
  });

  it("termination deletes the upload and its bytes", async () => {
    const path = new URL(await create(server.url, 2 * 100), server.url).pathname;
    assert.equal((await patch(server.url, path, 0, randomBytes(100))).status, 204);
    assert.equal((await call(server.url, "DELETE", path, TUS)).status, 204);
    assert.equal((await call(server.url, "HEAD", path, TUS)).status, 404);
    assert.equal((await call(server.url, "DELETE", path, TUS)).status, 404);
  });

  it("an abandoned upload expires and leaves nothing", async () => {
    const path = new URL(await create(server.url, 1000), server.url).pathname;
    assert.equal((await patch(server.url, path, 0, randomBytes(400))).status, 204);
    const id = path.split("/").pop() as string;
    const blobId = (await server.store.uploads.findUpload(id, 0))?.blobId as string;
    assert.ok(await server.store.pastes.readChunk(blobId, 0));
    server.clock.advanceSeconds(25 * 3600);
    await sweepExpired(server);
    assert.equal((await call(server.url, "HEAD", path, TUS)).status, 404);
    assert.equal(await server.store.pastes.readChunk(blobId, 0), undefined);
  });

  it("content on the blocklist is refused when the upload completes, and nothing is kept", async () => {
    const content = Buffer.from("blocked bytes, uploaded in two parts");
    await server.store.moderation.addBlock({ sha256: sha(content), createdAt: 1, createdBy: null });
    const path = new URL(await create(server.url, content.length), server.url).pathname;
    assert.equal((await patch(server.url, path, 0, content.subarray(0, 10))).status, 204);
    const last = await patch(server.url, path, 10, content.subarray(10));
    assert.equal(last.status, 451);
    assert.equal(last.json.code, "blocked");
    assert.equal((await call(server.url, "HEAD", path, TUS)).status, 404);
  });
});

describe("resumable uploads' own limit (MAX_FILE)", () => {
  it("lets an identified caller upload past MAX_AUTH up to MAX_FILE, and says so", async () => {
    const server = await startServer({ maxAnon: MiB, maxAuth: 2 * MiB, maxFile: 4 * MiB });
    try {
      const who = { "x-ssl-client-sha1": FINGERPRINT_A };
      const info = await call(server.url, "GET", "/", { accept: "application/json" });
      assert.equal(info.json.limits.max_file, 4 * MiB);
      const options = await call(server.url, "OPTIONS", "/uploads", who);
      assert.equal(options.headers.get("tus-max-size"), String(4 * MiB));
      const content = randomBytes(3 * MiB);
      const direct = await call(server.url, "POST", "/", who, content);
      assert.equal(direct.status, 413, "POST / keeps MAX_AUTH");
      const path = new URL(await create(server.url, content.length, who), server.url).pathname;
      const done = await patch(server.url, path, 0, content, who);
      assert.equal(done.status, 204, JSON.stringify(done.json));
      const raw = Buffer.from(
        await (await fetch(`${server.url}/${done.headers.get("x-paste-id")}/raw`)).arrayBuffer(),
      );
      assert.equal(sha(raw), sha(content));
      const over = await call(server.url, "POST", "/uploads", {
        ...TUS,
        ...who,
        "upload-length": String(4 * MiB + 1),
      });
      assert.equal(over.status, 413);
    } finally {
      await server.close();
    }
  });
});

describe("resumable uploads under proof-of-work", () => {
  it("refuses to create an upload without a solved challenge, as POST / does", async () => {
    const server = await startServer({ powDifficulty: 8 });
    try {
      const r = await call(server.url, "POST", "/uploads", { ...TUS, "upload-length": "100" });
      assert.equal(r.status, 400);
      assert.equal(r.json.code, "pow_required");
    } finally {
      await server.close();
    }
  });
});

describe("resumable uploads across a restart", () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("resumes from the stored offset on the restarted server", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sealbin-uploads-restart-"));
    dirs.push(dir);
    const env = { SEALBIN_POW_DIFFICULTY: "0", SEALBIN_RATE_LIMIT: "0", SEALBIN_MAX_ANON: String(8 * MiB) };
    const content = randomBytes(3 * MiB);
    let first = spawnServer(dir, env);
    let base = await first.listening();
    const path = new URL(await create(base, content.length), base).pathname;
    assert.equal((await patch(base, path, 0, content.subarray(0, 2 * MiB))).status, 204);
    await first.stop();
    first = spawnServer(dir, env);
    try {
      base = await first.listening();
      assert.equal(await offsetOf(base, path), 2 * MiB);
      const done = await patch(base, path, 2 * MiB, content.subarray(2 * MiB));
      assert.equal(done.status, 204);
      const raw = Buffer.from(
        await (await fetch(`${base}/${done.headers.get("x-paste-id")}/raw`)).arrayBuffer(),
      );
      assert.equal(sha(raw), sha(content));
    } finally {
      await first.stop();
    }
  });
});

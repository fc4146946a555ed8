import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { CHUNK_SIZE, INLINE_MAX } from "../../src/features/pastes/pastes.content.ts";
import { createdId, createPaste, jsonOf, startServer, type TestServer } from "../helpers/server.ts";

const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** Unclaimed blobs in the store (an upload whose chunks were left behind shows up here). */
const leftovers = (server: TestServer) => server.store.pastes.reapBlobs(Number.MAX_SAFE_INTEGER, 1000);

async function raw(server: TestServer, id: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/${id}/raw`, { headers });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

/** POST / with a body sent in pieces (chunked transfer encoding, no Content-Length). */
function postInPieces(
  server: TestServer,
  pieces: Buffer[],
  options: { abortAfter?: number; hold?: boolean } = {},
): Promise<{ status: number; json: Record<string, unknown> } | "aborted"> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/`, { method: "POST", headers: { "content-type": "text/plain" } });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || "{}") }),
      );
    });
    let responded = false;
    req.on("response", () => {
      responded = true;
    });
    // The server may close the connection right after an early answer (413): the answer still counts.
    req.on("error", (err) => {
      if (options.abortAfter !== undefined) resolve("aborted");
      else setTimeout(() => responded || reject(err), 1000);
    });
    let i = 0;
    const next = () => {
      if (options.abortAfter !== undefined && i === options.abortAfter) {
        req.destroy();
        resolve("aborted");
        return;
      }
      const piece = pieces[i++];
      if (responded) return;
      if (piece === undefined) {
        // `hold`: leave the body unfinished and wait for the answer (a client that wrote on after an
        // early 413 would have the connection reset under the answer, as with any server).
        if (!options.hold) req.end();
        return;
      }
      req.write(piece, () => setImmediate(next));
    };
    next();
  });
}

describe("large pastes: stored in chunks, streamed in and out", () => {
  let server: TestServer;

  before(async () => {
    server = await startServer({ maxAnon: 12 * MiB });
  });
  after(async () => {
    await server.close();
  });

  it("round-trips contents just under, at and over the inline limit and over many chunks, byte for byte", async () => {
    for (const size of [
      INLINE_MAX - 1,
      INLINE_MAX,
      INLINE_MAX + 1,
      2 * CHUNK_SIZE,
      5 * CHUNK_SIZE + 12_345,
    ]) {
      const content = randomBytes(size);
      const id = await createdId(server, content);
      const meta = await jsonOf(await fetch(`${server.url}/${id}`));
      assert.equal(meta.size, size);
      assert.equal(meta.mime_type, "application/octet-stream");
      const { res, body } = await raw(server, id);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-length"), String(size));
      assert.equal(sha(body), sha(content), `size ${size}`);
      const head = await fetch(`${server.url}/${id}/raw`, { method: "HEAD" });
      assert.equal(head.headers.get("content-length"), String(size));
    }
    assert.equal(await leftovers(server), 0);
  });

  it("takes a large content as multipart and as JSON too", async () => {
    const content = randomBytes(3 * MiB);
    const form = new FormData();
    form.append("file", new Blob([content], { type: "application/x-custom" }), "big.bin");
    const { res, json } = await createPaste(server, form);
    assert.equal(res.status, 201);
    assert.equal(json.mime_type, "application/x-custom");
    assert.equal(sha((await raw(server, json.id)).body), sha(content));

    const text = "ünïcödé text ".repeat(200_000);
    const fromJson = await createdId(server, JSON.stringify({ content: text }), {
      "content-type": "application/json",
    });
    const back = await raw(server, fromJson);
    assert.equal(back.res.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(back.body.toString("utf8"), text);
  });

  it("detects text whose multi-byte characters straddle chunk boundaries, and a bad byte at the very end", async () => {
    // Pieces of odd sizes so that 2-, 3- and 4-byte sequences land across the request's chunks.
    const text = Buffer.from("a€😀ß".repeat(400_000));
    const pieces: Buffer[] = [];
    for (let at = 0; at < text.length; at += 65_537) pieces.push(text.subarray(at, at + 65_537));
    const ok = await postInPieces(server, pieces);
    assert.ok(ok !== "aborted");
    assert.equal(ok.status, 201);
    assert.equal(ok.json.mime_type, "text/plain");
    assert.equal(sha((await raw(server, String(ok.json.id))).body), sha(text));

    const bad = await postInPieces(server, [...pieces, Buffer.from([0xe2, 0x82])]);
    assert.ok(bad !== "aborted");
    assert.equal(
      bad.json.mime_type,
      "application/octet-stream",
      "a truncated sequence at the end is not UTF-8",
    );
  });

  it("burns a large paste exactly once, and its chunks go with the download", async () => {
    const content = randomBytes(3 * MiB);
    const id = await createdId(server, content, { "x-burn-after-read": "true" });
    const [a, b] = await Promise.all([raw(server, id), raw(server, id)]);
    const statuses = [a.res.status, b.res.status].sort();
    assert.deepEqual(statuses, [200, 404]);
    assert.equal(sha((a.res.status === 200 ? a : b).body), sha(content));
    assert.equal((await raw(server, id)).res.status, 404);
    assert.equal(await leftovers(server), 0, "the burned chunks were deleted, not left for the sweep");
  });

  it("asks for the password of a large paste before sending a byte", async () => {
    const content = randomBytes(2 * MiB);
    const id = await createdId(server, content, { "x-paste-password": "hunter2" });
    assert.equal((await raw(server, id)).res.status, 401);
    assert.equal((await raw(server, id, { "x-paste-password": "wrong" })).res.status, 403);
    assert.equal(sha((await raw(server, id, { "x-paste-password": "hunter2" })).body), sha(content));
  });

  it("refuses an upload that passes the limit part way with 413, keeping none of its chunks", async () => {
    const pieces = Array.from({ length: 13 }, () => randomBytes(MiB));
    const result = await postInPieces(server, pieces, { hold: true });
    assert.ok(result !== "aborted");
    assert.equal(result.status, 413);
    assert.equal(result.json.max_size, 12 * MiB);
    assert.equal(await leftovers(server), 0);
  });

  it("keeps none of the chunks of an upload the client gives up on", async () => {
    const pieces = Array.from({ length: 6 }, () => randomBytes(MiB));
    assert.equal(await postInPieces(server, pieces, { abortAfter: 4 }), "aborted");
    // The server notices the reset asynchronously: wait until it has given the upload up.
    const metrics = server.app.metrics;
    for (let i = 0; i < 500 && metrics.uploadsInProgress > 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(metrics.uploadsInProgress, 0);
    assert.equal(await leftovers(server), 0);
  });

  it("deletes a large paste's chunks with the paste", async () => {
    const id = await createdId(server, randomBytes(2 * MiB), { "x-ssl-client-sha1": "c".repeat(40) });
    const res = await fetch(`${server.url}/${id}`, {
      method: "DELETE",
      headers: { "x-ssl-client-sha1": "c".repeat(40) },
    });
    assert.equal(res.status, 200);
    assert.equal((await raw(server, id)).res.status, 404);
  });
});

describe("large pastes under the content rules", () => {
  let server: TestServer;

  before(async () => {
    server = await startServer({ maxAnon: 4 * MiB, minEntropy: 6, minEntropySize: 256, dedupMax: 1 });
  });
  after(async () => {
    await server.close();
  });

  it("measures entropy and duplicates over the whole streamed content", async () => {
    const low = Buffer.concat([randomBytes(CHUNK_SIZE), Buffer.alloc(2 * CHUNK_SIZE, 0x61)]);
    const refused = await createPaste(server, low);
    assert.equal(refused.res.status, 400);
    assert.match(String(refused.json.error), /entropy/i);
    assert.equal(refused.json.code, "entropy_too_low");

    const high = randomBytes(3 * CHUNK_SIZE);
    assert.equal((await createPaste(server, high)).res.status, 201);
    const again = await createPaste(server, high);
    assert.equal(again.res.status, 429, "a duplicate of a large content is recognised");
    assert.equal(await leftovers(server), 0, "refused uploads keep no chunks");
  });
});

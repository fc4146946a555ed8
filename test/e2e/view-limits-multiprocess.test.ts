import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { spawnPair } from "../helpers/process.ts";
import { createdId, jsonOf } from "../helpers/server.ts";

/**
 * View limits across two server processes on one database (SEALBIN_WORKERS=2, or two hosts): the
 * views are counted in the store, so readers spread over both get exactly the views there are.
 */
const ENV = { SEALBIN_POW_DIFFICULTY: "0", SEALBIN_RATE_LIMIT: "0" };
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function read(url: string, id: string) {
  const res = await fetch(`${url}/${id}/raw`);
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

describe("view limits across two processes on one database", () => {
  let dir: string;
  let pair: Awaited<ReturnType<typeof spawnPair>>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "sealbin-views-pair-"));
    pair = await spawnPair(dir, ENV);
  });
  after(async () => {
    await pair?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("of 40 readers spread over both processes of a paste with 3 views left, exactly 3 get it", async () => {
    const [a, b] = pair.urls;
    const id = await createdId({ url: a }, "three, between two servers", { "x-max-views": "3" });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => read(i % 2 ? a : b, id)));
    const won = results.filter((r) => r.status === 200);
    assert.equal(won.length, 3);
    for (const r of won) assert.equal(r.body.toString(), "three, between two servers");
    assert.deepEqual(
      results.filter((r) => r.status !== 200).map((r) => r.status),
      Array(37).fill(404),
    );
    assert.equal((await read(a, id)).status, 404);
    assert.equal((await read(b, id)).status, 404);
  });

  it("a view counted by one process is seen at once by the other's metadata", async () => {
    const [a, b] = pair.urls;
    const id = await createdId({ url: b }, "counted anywhere", { "x-max-views": "3" });
    for (const left of [3, 2, 1]) {
      assert.equal((await jsonOf(await fetch(`${b}/${id}`))).views_left, left);
      assert.equal((await jsonOf(await fetch(`${a}/${id}`))).views_left, left);
      assert.equal((await read(left % 2 ? a : b, id)).status, 200);
    }
    assert.equal((await fetch(`${a}/${id}`)).status, 404);
    assert.equal((await fetch(`${b}/${id}`)).status, 404);
  });

  it("of readers of a large paste over both processes, exactly its views get all of it", async () => {
    const [a, b] = pair.urls;
    const content = randomBytes(3 * 1024 * 1024);
    const id = await createdId({ url: a }, content, { "x-max-views": "2" });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => read(i % 2 ? a : b, id)));
    const won = results.filter((r) => r.status === 200);
    assert.equal(won.length, 2);
    for (const r of won) assert.equal(sha(r.body), sha(content));
    assert.equal(results.filter((r) => r.status === 404).length, 6);
  });
});

import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { BURN_STREAM_GRACE_SECONDS } from "../../src/features/pastes/pastes.content.ts";
import {
  createdId,
  createPaste,
  FINGERPRINT_A,
  type Json,
  jsonOf,
  startServer,
  type TestServer,
} from "../helpers/server.ts";

/**
 * View limits (X-Max-Views, docs/api.md) against the real server: each GET /{id}/raw counts one
 * view atomically, the one that takes the last deletes the paste, and nothing else ever counts.
 */

const MiB = 1024 * 1024;
const owner = { "x-ssl-client-sha1": FINGERPRINT_A };
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function read(server: TestServer, id: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/${id}/raw`, { headers });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

async function meta(server: TestServer, id: string, headers: Record<string, string> = {}): Promise<Json> {
  const res = await fetch(`${server.url}/${id}`, { headers });
  assert.equal(res.status, 200, `metadata of ${id}`);
  return jsonOf(res);
}

/** The owner's listing entry for `id`, and how many pastes the owner has. */
async function listed(server: TestServer, id?: string): Promise<{ item: Json | undefined; total: number }> {
  const page = await jsonOf(await fetch(`${server.url}/pastes?limit=500`, { headers: owner }));
  return { item: page.pastes.find((p: Json) => p.id === id), total: page.total };
}

describe("view limits", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  it("the 3rd of 3 reads returns the content, says so, and deletes the paste", async () => {
    const { res, json } = await createPaste(server, "three reads", { "x-max-views": "3" });
    assert.equal(res.status, 201);
    assert.equal(json.max_views, 3);
    assert.equal(json.views_left, 3);
    assert.ok(!("burn_after_read" in json), "three views are not burn-after-read");
    for (let i = 1; i <= 2; i++) {
      const view = await read(server, json.id);
      assert.equal(view.res.status, 200, `read ${i}`);
      assert.equal(view.body.toString(), "three reads");
      assert.equal(view.res.headers.get("x-burn-after-read"), null, `read ${i} is not the last`);
    }
    const last = await read(server, json.id);
    assert.equal(last.res.status, 200);
    assert.equal(last.body.toString(), "three reads");
    assert.equal(
      last.res.headers.get("x-burn-after-read"),
      "true",
      "the last read says it deleted the paste",
    );
    assert.deepEqual(await jsonOf(await fetch(`${server.url}/${json.id}/raw`)), {
      error: "Paste not found",
      code: "paste_not_found",
    });
    assert.equal((await fetch(`${server.url}/${json.id}`)).status, 404);
  });

  it("views_left in the metadata and the owner's listing goes down by one with each read", async () => {
    const id = await createdId(server, "counted", { ...owner, "x-max-views": "3" });
    const plain = await createdId(server, "not counted", owner);
    for (const left of [3, 2, 1]) {
      const m = await meta(server, id);
      assert.equal(m.max_views, 3);
      assert.equal(m.views_left, left);
      const { item } = await listed(server, id);
      assert.equal(item?.max_views, 3);
      assert.equal(item?.views_left, left);
      assert.equal(item?.burn_after_read, false);
      assert.equal((await read(server, id)).res.status, 200);
    }
    const unlimited = await meta(server, plain);
    assert.ok(!("max_views" in unlimited) && !("views_left" in unlimited), "an unlimited paste has neither");
    const { item } = await listed(server, plain);
    assert.ok(item && !("max_views" in item) && !("views_left" in item));
  });

  it("HEAD, metadata and failed password checks never count a view", async () => {
    const pw = { "x-paste-password": "right" };
    const id = await createdId(server, "guarded", { ...pw, "x-max-views": "2" });
    for (let i = 0; i < 3; i++) {
      assert.equal((await fetch(`${server.url}/${id}`, { headers: pw })).status, 200);
      assert.equal((await fetch(`${server.url}/${id}`, { method: "HEAD", headers: pw })).status, 200);
      const head = await fetch(`${server.url}/${id}/raw`, { method: "HEAD", headers: pw });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get("x-burn-after-read"), null, "two views left: the next is not the last");
      assert.equal((await read(server, id)).res.status, 401, "no password");
      assert.equal((await read(server, id, { "x-paste-password": "wrong" })).res.status, 403);
    }
    assert.equal((await meta(server, id, pw)).views_left, 2, "nothing counted");
    assert.equal((await read(server, id, pw)).body.toString(), "guarded");
    const head = await fetch(`${server.url}/${id}/raw`, { method: "HEAD", headers: pw });
    assert.equal(head.headers.get("x-burn-after-read"), "true", "HEAD: the next read is the last");
    assert.equal((await meta(server, id, pw)).views_left, 1);
    const last = await read(server, id, pw);
    assert.equal(last.body.toString(), "guarded");
    assert.equal(last.res.headers.get("x-burn-after-read"), "true");
    assert.equal((await read(server, id, pw)).res.status, 404);
  });

  it("X-Burn-After-Read: true is X-Max-Views: 1, in the metadata and in the reads", async () => {
    const ways: Record<string, string>[] = [
      { "x-burn-after-read": "true" },
      { "x-max-views": "1" },
      { "x-burn-after-read": "yes", "x-max-views": "1" },
    ];
    const seen: Json[] = [];
    for (const headers of ways) {
      const { res, json } = await createPaste(server, "once", { ...owner, ...headers });
      assert.equal(res.status, 201, JSON.stringify(headers));
      const { item } = await listed(server, json.id);
      const m = await meta(server, json.id);
      for (const answer of [json, m, item]) {
        assert.equal(answer?.burn_after_read, true, JSON.stringify(headers));
        assert.equal(answer?.max_views, 1);
        assert.equal(answer?.views_left, 1);
      }
      const first = await read(server, json.id);
      assert.equal(first.body.toString(), "once");
      assert.equal(first.res.headers.get("x-burn-after-read"), "true");
      assert.equal((await read(server, json.id)).res.status, 404);
      const { id: _id, raw: _raw, created_at: _c, idle_expires_at: _e, ...rest } = m;
      seen.push(rest);
    }
    assert.deepEqual(seen[1], seen[0], "the same metadata, whichever header said it");
    assert.deepEqual(seen[2], seen[0]);
  });

  it("an invalid X-Max-Views is refused with 400 invalid_max_views, and nothing is stored", async () => {
    const before = (await listed(server)).total;
    const invalid = ["0", "10001", "1.5", "1e3", "-1", "+3", "03", "three", "", "0x10", "99999999999"];
    for (const value of invalid) {
      const { res, json } = await createPaste(server, "limited?", { ...owner, "x-max-views": value });
      assert.equal(res.status, 400, JSON.stringify(value));
      assert.deepEqual(json, {
        error: "Invalid X-Max-Views: a whole number from 1 to 10000",
        code: "invalid_max_views",
        max_views: 10000,
      });
    }
    const twice = new Headers(owner);
    twice.append("x-max-views", "2");
    twice.append("x-max-views", "3");
    const repeated = await fetch(`${server.url}/`, { method: "POST", body: "twice", headers: twice });
    assert.equal(repeated.status, 400);
    assert.equal((await jsonOf(repeated)).code, "invalid_max_views");
    assert.equal((await listed(server)).total, before, "none of them was stored");
  });

  it("accepts X-Max-Views from 1 to 10000", async () => {
    for (const views of [1, 2, 10_000]) {
      const { res, json } = await createPaste(server, "bounds", { "x-max-views": String(views) });
      assert.equal(res.status, 201);
      assert.equal(json.max_views, views);
      assert.equal(json.views_left, views);
    }
  });

  it("X-Burn-After-Read on with X-Max-Views other than 1 is refused with 400 view_limit_conflict", async () => {
    const before = (await listed(server)).total;
    for (const burn of ["true", "1", "YES"]) {
      const { res, json } = await createPaste(server, "which?", {
        ...owner,
        "x-burn-after-read": burn,
        "x-max-views": "3",
      });
      assert.equal(res.status, 400);
      assert.deepEqual(json, {
        error: "X-Burn-After-Read and X-Max-Views disagree",
        code: "view_limit_conflict",
        hint: "X-Burn-After-Read: true is X-Max-Views: 1; send one of them",
      });
    }
    assert.equal((await listed(server)).total, before);
    const { res, json } = await createPaste(server, "off", { "x-burn-after-read": "no", "x-max-views": "3" });
    assert.equal(res.status, 201, "burn off says nothing against a limit");
    assert.equal(json.max_views, 3);
    assert.ok(!("burn_after_read" in json));
  });

  it("of 40 concurrent readers of a paste with 3 views left, exactly 3 get the content", async () => {
    const id = await createdId(server, "contended", { "x-max-views": "3" });
    const results = await Promise.all(Array.from({ length: 40 }, () => read(server, id)));
    const won = results.filter((r) => r.res.status === 200);
    assert.equal(won.length, 3);
    for (const r of won) assert.equal(r.body.toString(), "contended");
    assert.deepEqual(
      results.filter((r) => r.res.status !== 200).map((r) => r.res.status),
      Array(37).fill(404),
    );
    assert.equal(won.filter((r) => r.res.headers.get("x-burn-after-read") === "true").length, 1);
  });

  it("of 16 concurrent readers with the password of a paste with 2 views left, exactly 2 get it", async () => {
    const pw = { "x-paste-password": "pw" };
    const id = await createdId(server, "contended, guarded", { ...pw, "x-max-views": "2" });
    const statuses = await Promise.all(Array.from({ length: 16 }, () => read(server, id, pw)));
    assert.deepEqual(statuses.map((r) => r.res.status).sort(), [200, 200, ...Array(14).fill(404)]);
  });

  it("a quarantined limited paste counts no view, and has them all once released", async () => {
    const id = await createdId(server, "held", { "x-max-views": "2" });
    const now = Math.floor(server.clock.now() / 1000);
    assert.deepEqual(await server.store.moderation.quarantinePaste(id, now, false), [id]);
    for (let i = 0; i < 3; i++) assert.equal((await read(server, id)).res.status, 451);
    assert.equal(await server.store.moderation.releasePaste(id), true);
    assert.equal((await meta(server, id)).views_left, 2);
    assert.equal((await read(server, id)).body.toString(), "held");
  });

  it("a limited paste is never served from a cache: every read says no-store and has no validator", async () => {
    const id = await createdId(server, "not cached", { "x-max-views": "3" });
    const first = await read(server, id);
    const conditional = await read(server, id, {
      "if-none-match": "*",
      "if-modified-since": new Date(server.clock.now() + 86_400_000).toUTCString(),
    });
    for (const { res } of [first, conditional]) {
      assert.equal(res.status, 200, "a conditional read is a read");
      assert.match(res.headers.get("cache-control") ?? "", /no-store/);
      assert.equal(res.headers.get("etag"), null);
      assert.equal(res.headers.get("last-modified"), null);
    }
    assert.equal((await meta(server, id)).views_left, 1, "both reads counted");
    assert.match((await fetch(`${server.url}/${id}`)).headers.get("cache-control") ?? "", /no-store/);
  });
});

describe("view limits of a large (chunked) paste", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  it("streams in full to each of its views, and its chunks outlive the last view by the grace", async () => {
    const content = randomBytes(3 * MiB);
    const id = await createdId(server, content, { "x-max-views": "2" });
    const results = await Promise.all(Array.from({ length: 6 }, () => read(server, id)));
    const won = results.filter((r) => r.res.status === 200);
    assert.equal(won.length, 2);
    for (const r of won) assert.equal(sha(r.body), sha(content), "each view gets all of it");
    assert.equal(results.filter((r) => r.res.status === 404).length, 4);
    assert.equal((await read(server, id)).res.status, 404);
    // A view still streaming when the last one ended keeps its chunks: they go at the sweep after the grace.
    const now = Math.floor(server.clock.now() / 1000);
    assert.equal(await server.store.pastes.reapBlobs(now + BURN_STREAM_GRACE_SECONDS - 1, 100), 0);
    assert.equal(await server.store.pastes.reapBlobs(now + BURN_STREAM_GRACE_SECONDS, 100), 1);
  });

  it("the non-final views of a large paste leave its chunks in place", async () => {
    const content = randomBytes(2 * MiB);
    const id = await createdId(server, content, { "x-max-views": "3" });
    assert.equal(sha((await read(server, id)).body), sha(content));
    assert.equal(await server.store.pastes.reapBlobs(Number.MAX_SAFE_INTEGER, 100), 0, "held by the paste");
    assert.equal((await meta(server, id)).views_left, 2);
    assert.equal(sha((await read(server, id)).body), sha(content));
  });
});

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createdId, startServer, type TestServer } from "../helpers/server.ts";

/** Range downloads of /{id}/raw (RFC 9110 §14), so that an interrupted download resumes. */
describe("range downloads", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ maxAnon: 8 * 1024 * 1024 });
  });
  after(async () => server?.close());

  const get = async (id: string, headers: Record<string, string>) => {
    const res = await fetch(`${server.url}/${id}/raw`, { headers });
    return { res, body: Buffer.from(await res.arrayBuffer()) };
  };

  it("serves one byte range of a small paste with 206 and Content-Range", async () => {
    const content = Buffer.from("0123456789abcdef");
    const id = await createdId(server, content);
    const cases: [string, number, number][] = [
      ["bytes=2-5", 2, 5],
      ["bytes=10-", 10, 15],
      ["bytes=-3", 13, 15],
      ["bytes=14-99", 14, 15],
      ["bytes=-99", 0, 15],
    ];
    for (const [range, start, end] of cases) {
      const { res, body } = await get(id, { range });
      assert.equal(res.status, 206, range);
      assert.equal(res.headers.get("content-range"), `bytes ${start}-${end}/16`, range);
      assert.equal(res.headers.get("content-length"), String(end - start + 1), range);
      assert.deepEqual(body, content.subarray(start, end + 1), range);
    }
  });

  it("answers 416 for a range past the end, and the whole content for one it does not honour", async () => {
    const content = Buffer.from("0123456789");
    const id = await createdId(server, content);
    for (const range of ["bytes=10-", "bytes=99-100", "bytes=-0"]) {
      const { res, body } = await get(id, { range });
      assert.equal(res.status, 416, range);
      assert.equal(res.headers.get("content-range"), "bytes */10");
      assert.equal(JSON.parse(body.toString()).code, "range_not_satisfiable");
    }
    for (const range of ["bytes=5-2", "bytes=0-1,4-5", "items=0-1", "bytes=", "bytes=a-b"]) {
      const { res, body } = await get(id, { range });
      assert.equal(res.status, 200, range);
      assert.deepEqual(body, content, range);
    }
  });

  it("honours If-Range with the paste's ETag only", async () => {
    const content = Buffer.from("resumable content");
    const id = await createdId(server, content);
    const head = await fetch(`${server.url}/${id}/raw`, { method: "HEAD" });
    assert.equal(head.headers.get("accept-ranges"), "bytes");
    const etag = head.headers.get("etag") as string;
    assert.match(etag, /^"[0-9a-f]+\.\d+"$/);
    assert.equal((await get(id, { range: "bytes=4-", "if-range": etag })).res.status, 206);
    const stale = await get(id, { range: "bytes=4-", "if-range": '"someone-else.1"' });
    assert.equal(stale.res.status, 200);
    assert.deepEqual(stale.body, content);
  });

  it("resumes a large paste's download from the middle of a chunk, across chunk boundaries", async () => {
    const content = randomBytes(3 * 1024 * 1024 + 777);
    const id = await createdId(server, content);
    const start = 1024 * 1024 - 5;
    const { res, body } = await get(id, { range: `bytes=${start}-` });
    assert.equal(res.status, 206);
    assert.equal(res.headers.get("content-range"), `bytes ${start}-${content.length - 1}/${content.length}`);
    assert.deepEqual(body, content.subarray(start));
    const middle = await get(id, { range: "bytes=2097150-2097153" });
    assert.deepEqual(middle.body, content.subarray(2097150, 2097154));
  });

  it("serves a paste with a view limit whole and counts the read once, whatever the Range", async () => {
    const content = Buffer.from("three reads only");
    const id = await createdId(server, content, { "x-max-views": "3" });
    const head = await fetch(`${server.url}/${id}/raw`, { method: "HEAD" });
    assert.equal(head.headers.get("accept-ranges"), "none");
    assert.equal(head.headers.get("etag"), null);
    const { res, body } = await get(id, { range: "bytes=0-2" });
    assert.equal(res.status, 200);
    assert.deepEqual(body, content);
    const meta = await (
      await fetch(`${server.url}/${id}`, { headers: { accept: "application/json" } })
    ).json();
    assert.equal(meta.views_left, 2);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createdId, jsonOf, rawRequest, startServer, statusOf, type TestServer } from "../helpers/server.ts";

describe("bad input gets a clear 4xx, never a 5xx, and loses nothing", () => {
  let server: TestServer;
  let keep: string;
  before(async () => {
    server = await startServer({ maxAnon: 1000, requestTimeout: 1, headersTimeout: 1 });
    keep = await createdId(server, "precious");
  });
  after(async () => {
    assert.equal(
      await (await fetch(`${server.url}/${keep}/raw`)).text(),
      "precious",
      "a stored paste survived",
    );
    const errors = server.logs.filter((l) => Number(l.level) >= 50);
    assert.deepEqual(errors, [], "no request made the server log an error");
    await server.close();
  });

  it("answers wrong methods on known paths with 405 and Allow", async () => {
    const cases: [string, string, string][] = [
      ["PUT", "/", "GET, HEAD, POST"],
      ["PATCH", `/${keep}`, "GET, HEAD, DELETE"],
      ["POST", `/${keep}/raw`, "GET, HEAD"],
      ["DELETE", "/health", "GET, HEAD"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await fetch(`${server.url}${path}`, { method, body: "x" });
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(res.headers.get("allow"), allow);
      assert.deepEqual(await jsonOf(res), { error: "Method not allowed", code: "method_not_allowed" });
    }
  });

  it("answers TRACE with 405 too", async () => {
    const response = await rawRequest(server.port, `TRACE /${keep} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.equal(statusOf(response), 405);
    assert.match(response, /allow: GET, HEAD, DELETE/i);
  });

  it("answers methods it does not know with a 4xx, never 501", async () => {
    for (const method of ["FOO", "PROPFIND", "CONNECT", "BREW"]) {
      const status = statusOf(await rawRequest(server.port, `${method} / HTTP/1.1\r\nHost: x\r\n\r\n`));
      assert.ok(status >= 400 && status < 500, `${method}: ${status}`);
    }
  });

  it("refuses huge headers with 431", async () => {
    const status = statusOf(
      await rawRequest(server.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`),
    );
    assert.equal(status, 431);
  });

  it("answers a body shorter than its Content-Length with 408 once the request time is up", async () => {
    const response = await rawRequest(
      server.port,
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 500\r\n\r\nonly a little",
      5000,
    );
    assert.equal(statusOf(response), 408);
  });

  it("refuses a malformed Content-Length or a body the parser cannot frame with 400", async () => {
    for (const head of [
      "Content-Length: abc",
      "Content-Length: -1",
      "Content-Length: 5\r\nContent-Length: 6",
      "Transfer-Encoding: chunked\r\nContent-Length: 5",
    ]) {
      const status = statusOf(
        await rawRequest(server.port, `POST / HTTP/1.1\r\nHost: x\r\n${head}\r\n\r\nhello`),
      );
      assert.equal(status, 400, head);
    }
    const badChunk = await rawRequest(
      server.port,
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    );
    assert.equal(statusOf(badChunk), 400);
  });

  it("stores invalid UTF-8 as binary and serves it back byte for byte", async () => {
    const bytes = Buffer.from([0x66, 0x6f, 0x80, 0x81, 0xfe, 0xff, 0xed, 0xa0, 0x80]);
    const id = await createdId(server, bytes);
    const res = await fetch(`${server.url}/${id}/raw`);
    assert.equal(res.headers.get("content-type"), "application/octet-stream");
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
  });

  it("takes invalid UTF-8 in a password header as bytes, not a crash", async () => {
    const header = Buffer.from([0xff, 0xfe, 0x41]).toString("latin1");
    const id = await createdId(server, "odd password", { "x-paste-password": header });
    assert.equal(
      (await fetch(`${server.url}/${id}/raw`, { headers: { "x-paste-password": header } })).status,
      200,
    );
    assert.equal(
      (await fetch(`${server.url}/${id}/raw`, { headers: { "x-paste-password": "A" } })).status,
      403,
    );
  });

  it("answers odd paths and query strings sensibly", async () => {
    const cases: [string, number][] = [
      ["/%E0%A4%A", 400],
      ["/a/b/c/d", 404],
      [`/${keep}/raw/extra`, 404],
      [`/${keep}?x=${"y".repeat(2000)}`, 200],
      ["/..%2f..%2fetc%2fpasswd", 400],
      ["//", 404],
    ];
    for (const [path, status] of cases) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, status, path);
      assert.ok("error" in (await jsonOf(res)) || status === 200, path);
    }
  });

  it("refuses a malformed Content-Type with 415", async () => {
    const res = await fetch(`${server.url}/`, {
      method: "POST",
      body: "data",
      headers: { "content-type": "!!!" },
    });
    assert.equal(res.status, 415);
    assert.deepEqual(await jsonOf(res), {
      error: "Unsupported Content-Type",
      code: "unsupported_media_type",
    });
  });
});

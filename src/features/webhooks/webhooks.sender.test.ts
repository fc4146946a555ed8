import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { ADDRESS_REFUSED, sendDelivery } from "./webhooks.sender.ts";

/** The sender against a real receiver on 127.0.0.1: what it sends, and where it refuses to. */
describe("sending a delivery", () => {
  let server: Server;
  let port = 0;
  const received: { req: IncomingMessage; body: string }[] = [];
  let answer: (res: import("node:http").ServerResponse) => void = (res) => res.writeHead(204).end();
  before(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        received.push({ req, body });
        answer(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = (url: string, allowPrivate: boolean, timeoutMs = 10_000) =>
    sendDelivery({ url, headers: { "x-test": "1" }, body: '{"ok":true}' }, { allowPrivate, timeoutMs });

  it("POSTs the body with its headers and reports the 2xx, with the flag", async () => {
    const before = received.length;
    assert.deepEqual(await send(`http://127.0.0.1:${port}/hook`, true), { kind: "delivered", status: 204 });
    const got = received[before];
    assert.equal(got?.req.method, "POST");
    assert.equal(got?.req.url, "/hook");
    assert.equal(got?.req.headers["x-test"], "1");
    assert.equal(got?.req.headers["content-type"], "application/json");
    assert.equal(got?.body, '{"ok":true}');
  });

  it("never connects to loopback without the flag: a literal, a mapped form, or a name that resolves to it", async () => {
    const before = received.length;
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[::1]:${port}/`,
      `http://localhost:${port}/`,
    ]) {
      assert.deepEqual(await send(url, false), { kind: "refused", reason: ADDRESS_REFUSED }, url);
    }
    assert.equal(received.length, before, "the receiver heard nothing");
  });

  it("reports a 500 and a redirect as failures to retry, following no redirect", async () => {
    answer = (res) => res.writeHead(500).end("no");
    assert.deepEqual(await send(`http://127.0.0.1:${port}/`, true), { kind: "failed", reason: "HTTP 500" });
    const before = received.length;
    answer = (res) => res.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
    const redirected = await send(`http://127.0.0.1:${port}/`, true);
    assert.deepEqual(redirected, { kind: "failed", reason: "HTTP 302 (redirects are not followed)" });
    assert.equal(received.length, before + 1, "the redirect's target was not asked");
    answer = (res) => res.writeHead(204).end();
  });

  it("gives up an attempt the receiver does not answer in time, and a closed port", async () => {
    answer = () => {}; // never answers
    assert.deepEqual(await send(`http://127.0.0.1:${port}/`, true, 200), {
      kind: "failed",
      reason: "timed out",
    });
    answer = (res) => res.writeHead(204).end();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    assert.deepEqual(await send(`http://127.0.0.1:${closedPort}/`, true), {
      kind: "failed",
      reason: "connection failed (ECONNREFUSED)",
    });
  });
});

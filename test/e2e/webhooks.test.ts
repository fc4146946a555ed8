import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sweepExpired } from "../../src/features/ops/sweep.usecases.ts";
import { createdId, FINGERPRINT_A, FINGERPRINT_B, startServer, type TestServer } from "../helpers/server.ts";
import { type Receiver, signatureValid, startReceiver } from "../helpers/webhook-receiver.ts";

/**
 * Owners' webhooks against the real server (docs/webhooks.md): registration, signed deliveries of
 * metadata only, retries with backoff by the server's clock, and the SSRF guard. The worker is
 * driven by `app.webhooks.deliverDue()` after the clock moves, instead of waiting for its poll.
 */

const as = (fingerprint: string) => ({ "x-ssl-client-sha1": fingerprint });

async function call(server: TestServer, method: string, path: string, body?: unknown, headers = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const register = (server: TestServer, body: unknown, who = FINGERPRINT_A) =>
  call(server, "POST", "/webhooks", body, as(who));

/** An owned paste that expires, and the sweep that deletes it once the clock has passed its expiry. */
async function expireOwnedPaste(server: TestServer, owner: string, headers: Record<string, string> = {}) {
  const id = await createdId(server, "the launch code", { ...as(owner), "x-expiry": "60", ...headers });
  server.clock.advanceSeconds(61);
  await sweepExpired({ ...server, events: server.app.webhooks.events });
  return id;
}

describe("registering webhooks", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ webhookAllowPrivate: true });
  });
  after(() => server.close());

  it("registers, lists and deletes an owner's webhooks; the secret is shown once and never listed", async () => {
    const created = await register(server, {
      url: "https://hooks.example/a",
      events: ["paste.read", "paste.expired"],
    });
    assert.equal(created.status, 201);
    assert.deepEqual(Object.keys(created.json).sort(), [
      "created_at",
      "events",
      "id",
      "message",
      "secret",
      "url",
    ]);
    assert.match(created.json.id, /^[0-9a-f]{16}$/);
    assert.match(created.json.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(created.json.events, ["paste.read", "paste.expired"]);
    assert.equal(created.json.message, "Webhook created");

    const listed = await call(server, "GET", "/webhooks", undefined, as(FINGERPRINT_A));
    assert.equal(listed.status, 200);
    assert.equal(listed.json.count, 1);
    assert.deepEqual(listed.json.webhooks[0], {
      id: created.json.id,
      url: "https://hooks.example/a",
      events: ["paste.read", "paste.expired"],
      created_at: created.json.created_at,
      last_attempt_at: null,
      last_result: null,
      failed_deliveries: 0,
    });
    assert.ok(!JSON.stringify(listed.json).includes(created.json.secret), "never the secret");
    const others = await call(server, "GET", "/webhooks", undefined, as(FINGERPRINT_B));
    assert.deepEqual(others.json, { webhooks: [], count: 0 }, "each owner sees their own");

    const byOther = await call(
      server,
      "DELETE",
      `/webhooks/${created.json.id}`,
      undefined,
      as(FINGERPRINT_B),
    );
    assert.equal(byOther.status, 404);
    assert.equal(byOther.json.code, "webhook_not_found");
    const deleted = await call(
      server,
      "DELETE",
      `/webhooks/${created.json.id}`,
      undefined,
      as(FINGERPRINT_A),
    );
    assert.deepEqual([deleted.status, deleted.json], [200, { message: "Webhook deleted" }]);
    const again = await call(server, "DELETE", `/webhooks/${created.json.id}`, undefined, as(FINGERPRINT_A));
    assert.equal(again.status, 404);
    assert.equal(
      (await call(server, "DELETE", "/webhooks/not-an-id", undefined, as(FINGERPRINT_A))).status,
      404,
    );
  });

  it("stores the URL as the WHATWG parser writes it: a NUL or a space arrives percent-encoded", async () => {
    const owner = "e6f7a2b3c4d5e6f7a2b3c4d5e6f7a2b3c4d5e6f7";
    const res = await register(
      server,
      { url: "https://HOOKS.example/a b\u0000c", events: ["paste.read"] },
      owner,
    );
    assert.equal(res.status, 201);
    assert.equal(res.json.url, "https://hooks.example/a%20b%00c");
    const dup = await register(
      server,
      { url: "https://hooks.example/a%20b%00c", events: ["paste.read"] },
      owner,
    );
    assert.equal(dup.json.code, "webhook_exists", "one URL, however it is spelt");
  });

  it("needs an identified caller", async () => {
    for (const [method, path] of [
      ["POST", "/webhooks"],
      ["GET", "/webhooks"],
      ["DELETE", "/webhooks/0123456789abcdef"],
    ]) {
      const body = method === "POST" ? { url: "https://hooks.example/", events: ["paste.read"] } : undefined;
      const res = await call(server, method ?? "", path ?? "", body);
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.equal(res.json.code, "authentication_required");
    }
  });

  it("refuses a malformed body, URL or events with the documented 400s", async () => {
    const owner = "c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4";
    const cases: [unknown, string][] = [
      [[1, 2], "invalid_webhook"],
      ["null", "invalid_webhook"],
      [{ events: ["paste.read"] }, "invalid_webhook_url"],
      [{ url: 42, events: ["paste.read"] }, "invalid_webhook_url"],
      [{ url: "ftp://hooks.example/", events: ["paste.read"] }, "invalid_webhook_url"],
      [{ url: "https://user:pw@hooks.example/", events: ["paste.read"] }, "invalid_webhook_url"],
      [{ url: `https://hooks.example/${"x".repeat(2048)}`, events: ["paste.read"] }, "invalid_webhook_url"],
      [{ url: "not a url", events: ["paste.read"] }, "invalid_webhook_url"],
      [{ url: "https://hooks.example/" }, "invalid_webhook_events"],
      [{ url: "https://hooks.example/", events: [] }, "invalid_webhook_events"],
      [{ url: "https://hooks.example/", events: ["paste.created"] }, "invalid_webhook_events"],
      [{ url: "https://hooks.example/", events: "paste.read" }, "invalid_webhook_events"],
    ];
    for (const [body, code] of cases) {
      const res = await register(server, body, owner);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(res.json.code, code, JSON.stringify(body).slice(0, 80));
    }
    assert.equal((await register(server, "{not json", owner)).status, 400);
    const typed = await fetch(`${server.url}/webhooks`, {
      method: "POST",
      headers: { ...as(owner), "content-type": "text/plain" },
      body: JSON.stringify({ url: "https://hooks.example/", events: ["paste.read"] }),
    });
    assert.equal(typed.status, 415, "JSON only");
    assert.deepEqual((await call(server, "GET", "/webhooks", undefined, as(owner))).json.count, 0);
  });

  it("keeps an owner to 20 webhooks and one per URL (409)", async () => {
    const owner = "d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5";
    for (let i = 0; i < 20; i++) {
      assert.equal(
        (await register(server, { url: `https://hooks.example/${i}`, events: ["paste.read"] }, owner)).status,
        201,
      );
    }
    const over = await register(server, { url: "https://hooks.example/20", events: ["paste.read"] }, owner);
    assert.deepEqual([over.status, over.json.code], [409, "webhook_limit_reached"]);
    const first = await register(server, { url: "https://hooks.example/dup", events: ["paste.read"] });
    assert.equal(first.status, 201);
    const dup = await register(server, { url: "https://hooks.example/dup", events: ["paste.deleted"] });
    assert.deepEqual([dup.status, dup.json.code], [409, "webhook_exists"]);
  });
});

describe("deliveries", () => {
  let server: TestServer;
  let receiver: Receiver;
  before(async () => {
    receiver = await startReceiver();
    server = await startServer({ webhookAllowPrivate: true });
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });

  it("signs a paste.expired delivery of metadata only, verifiable with node:crypto, and failing on a changed body", async () => {
    const owner = "e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6";
    const hook = await register(server, { url: receiver.url, events: ["paste.expired"] }, owner);
    const id = await expireOwnedPaste(server, owner, { "x-paste-password": "hunter2" });
    await createdId(server, "anonymous: nobody's webhook", { "x-expiry": "1" });
    await server.app.webhooks.deliverDue();
    assert.equal(receiver.received.length, 1);
    const [got] = receiver.received;
    assert.ok(got);
    assert.equal(got.headers["x-sealbin-event"], "paste.expired");
    assert.equal(got.headers["x-sealbin-delivery"], `${got.json.id}-${hook.json.id}`);
    assert.equal(got.headers["content-type"], "application/json");
    assert.deepEqual(got.json, {
      id: got.json.id,
      event: "paste.expired",
      created_at: Math.floor(server.clock.now() / 1000),
      paste: { id },
    });
    const signature = got.headers["x-sealbin-signature"];
    assert.match(
      String(signature),
      new RegExp(`^t=${Math.floor(server.clock.now() / 1000)},v1=[0-9a-f]{64}$`),
    );
    assert.equal(signatureValid(signature, got.body, hook.json.secret), true);
    assert.equal(signatureValid(signature, got.body.replace(id, "000000000000"), hook.json.secret), false);
    assert.equal(signatureValid(signature, got.body, "whsec_another"), false);
    for (const forbidden of ["the launch code", "hunter2", owner]) {
      assert.ok(!got.body.includes(forbidden) && !JSON.stringify(got.headers).includes(forbidden), forbidden);
    }
    assert.ok(!got.body.includes("127.0.0.1"), "never the creator's or a reader's address");
    const listed = await call(server, "GET", "/webhooks", undefined, as(owner));
    assert.equal(listed.json.webhooks[0].last_result, "delivered (HTTP 204)");
    assert.equal(await server.store.webhooks.countDeliveries(), 0);
  });

  it("tells the owner of each read of a paste limited to three views, with the views left, and of a delete", async () => {
    const owner = "d5e6f7a2b3c4d5e6f7a2b3c4d5e6f7a2b3c4d5e6";
    const hook = await register(
      server,
      { url: `${receiver.url}?reads`, events: ["paste.read", "paste.deleted"] },
      owner,
    );
    const start = receiver.received.length;
    const id = await createdId(server, "the launch code", { ...as(owner), "x-max-views": "3" });
    for (let i = 0; i < 3; i++) {
      const read = await fetch(`${server.url}/${id}/raw`);
      assert.equal(await read.text(), "the launch code");
    }
    assert.equal((await fetch(`${server.url}/${id}/raw`)).status, 404, "the third read took the last view");
    const other = await createdId(server, "deleted by its owner", as(owner));
    assert.equal(
      (await fetch(`${server.url}/${other}`, { method: "DELETE", headers: as(owner) })).status,
      200,
    );
    await createdId(server, "nobody's paste, read", {}).then((anon) => fetch(`${server.url}/${anon}/raw`));
    await server.app.webhooks.deliverDue();

    const got = receiver.received.slice(start);
    // Deliveries are sent in parallel and may arrive in any order (docs/webhooks.md).
    assert.deepEqual(
      got
        .map((r) => [r.json.event, r.json.paste.id, r.json.paste.views_left])
        .sort((a, b) => (b[2] ?? -1) - (a[2] ?? -1)),
      [
        ["paste.read", id, 2],
        ["paste.read", id, 1],
        ["paste.read", id, 0],
        ["paste.deleted", other, null],
      ],
    );
    for (const r of got) {
      assert.ok(signatureValid(r.headers["x-sealbin-signature"], r.body, hook.json.secret));
      assert.equal(r.json.paste.mime_type, "text/plain");
      for (const forbidden of ["the launch code", "deleted by its owner", "127.0.0.1", owner]) {
        assert.ok(!r.body.includes(forbidden), forbidden);
      }
    }
  });

  it("retries after a receiver's 500 with a doubling delay by the server's clock, then delivers once", async () => {
    const owner = "f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1";
    const hook = await register(server, { url: `${receiver.url}?retry`, events: ["paste.expired"] }, owner);
    const start = receiver.received.length;
    receiver.answer(500, 500);
    await expireOwnedPaste(server, owner);
    await server.app.webhooks.deliverDue();
    assert.equal(receiver.received.length, start + 1, "the first attempt, answered 500");
    const failed = await call(server, "GET", "/webhooks", undefined, as(owner));
    assert.equal(failed.json.webhooks[0].last_result, "HTTP 500");
    assert.equal(failed.json.webhooks[0].failed_deliveries, 0, "not given up");

    server.clock.advanceSeconds(1);
    await server.app.webhooks.deliverDue();
    assert.equal(receiver.received.length, start + 2, "retried 1 s later, answered 500 again");
    server.clock.advanceSeconds(1);
    await server.app.webhooks.deliverDue();
    assert.equal(receiver.received.length, start + 2, "the next retry waits 2 s");
    server.clock.advanceSeconds(1);
    await server.app.webhooks.deliverDue();
    assert.equal(receiver.received.length, start + 3, "delivered at the third attempt");
    server.clock.advanceSeconds(7200);
    await server.app.webhooks.deliverDue();
    assert.equal(receiver.received.length, start + 3, "and never again");

    const attempts = receiver.received.slice(start);
    const ids = new Set(attempts.map((a) => a.headers["x-sealbin-delivery"]));
    assert.equal(ids.size, 1, "one delivery id on every attempt");
    assert.equal(new Set(attempts.map((a) => a.body)).size, 1, "the same body");
    for (const a of attempts)
      assert.ok(signatureValid(a.headers["x-sealbin-signature"], a.body, hook.json.secret));
    assert.equal(
      new Set(attempts.map((a) => a.headers["x-sealbin-signature"])).size,
      3,
      "each attempt signed at its own time",
    );
    const listed = await call(server, "GET", "/webhooks", undefined, as(owner));
    assert.equal(listed.json.webhooks[0].last_result, "delivered (HTTP 204)");
    assert.equal(await server.store.webhooks.countDeliveries(hook.json.id), 0);
  });

  it("gives up 24 hours after the event, and says so in the listing", async () => {
    const owner = "a2b3c4d5e6f7a2b3c4d5e6f7a2b3c4d5e6f7a2b3";
    const hook = await register(server, { url: `${receiver.url}?down`, events: ["paste.expired"] }, owner);
    receiver.failing(503);
    await expireOwnedPaste(server, owner);
    const start = receiver.received.length;
    for (
      let hour = 0;
      hour <= 25 && (await server.store.webhooks.countDeliveries(hook.json.id)) > 0;
      hour++
    ) {
      await server.app.webhooks.deliverDue();
      server.clock.advanceSeconds(3600);
    }
    receiver.failing();
    const attempts = receiver.received.length - start;
    assert.ok(attempts >= 13 && attempts <= 40, `${attempts} attempts`);
    const listed = await call(server, "GET", "/webhooks", undefined, as(owner));
    assert.equal(listed.json.webhooks[0].failed_deliveries, 1);
    assert.equal(listed.json.webhooks[0].last_result, "given up: HTTP 503");
    assert.equal(await server.store.webhooks.countDeliveries(hook.json.id), 0);
    assert.ok(server.logs.some((l) => l.msg === "webhook delivery given up"));
  });

  it("stops delivering to a webhook once deleted, dropping what was queued for it", async () => {
    const owner = "b3c4d5e6f7a2b3c4d5e6f7a2b3c4d5e6f7a2b3c4";
    const hook = await register(server, { url: `${receiver.url}?deleted`, events: ["paste.expired"] }, owner);
    receiver.answer(500);
    await expireOwnedPaste(server, owner);
    await server.app.webhooks.deliverDue();
    const heard = receiver.received.length;
    await call(server, "DELETE", `/webhooks/${hook.json.id}`, undefined, as(owner));
    assert.equal(await server.store.webhooks.countDeliveries(hook.json.id), 0);
    server.clock.advanceSeconds(60);
    await server.app.webhooks.deliverDue();
    assert.equal(receiver.received.length, heard);
  });
});

describe("the SSRF guard, without SEALBIN_WEBHOOK_ALLOW_PRIVATE", () => {
  let server: TestServer;
  let receiver: Receiver;
  before(async () => {
    receiver = await startReceiver();
    server = await startServer();
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });

  it("refuses literal loopback, private, link-local and mapped addresses at registration", async () => {
    for (const host of [
      "127.0.0.1",
      "10.0.0.1",
      "169.254.169.254",
      "[::1]",
      "[::ffff:127.0.0.1]",
      "192.168.0.10",
      "100.64.0.1",
      "[fd00::1]",
      "0.0.0.0",
    ]) {
      const res = await register(server, {
        url: `http://${host}:${receiver.port}/hook`,
        events: ["paste.read"],
      });
      assert.equal(res.status, 400, host);
      assert.equal(res.json.code, "webhook_address_refused", host);
    }
  });

  it("never connects to a name that resolves to loopback: the delivery is given up, the server goes on", async () => {
    const owner = "c4d5e6f7a2b3c4d5e6f7a2b3c4d5e6f7a2b3c4d5";
    const hook = await register(
      server,
      { url: `http://localhost:${receiver.port}/hook`, events: ["paste.expired"] },
      owner,
    );
    assert.equal(hook.status, 201, "a name is checked on what it resolves to, when connecting");
    await expireOwnedPaste(server, owner);
    await server.app.webhooks.deliverDue();
    assert.equal(receiver.received.length, 0, "no request reached the receiver");
    const listed = await call(server, "GET", "/webhooks", undefined, as(owner));
    assert.equal(listed.json.webhooks[0].failed_deliveries, 1);
    assert.match(listed.json.webhooks[0].last_result, /^given up: address refused/);
    assert.equal(await server.store.webhooks.countDeliveries(), 0);
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
  });
});

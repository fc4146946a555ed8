import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../../src/config/config.ts";
import { createdId, startServer, type TestServer } from "../helpers/server.ts";
import { type Receiver, signatureValid, startReceiver } from "../helpers/webhook-receiver.ts";

/**
 * The operator's instance events (docs/webhooks.md): report.created and writes.changed reach
 * SEALBIN_WEBHOOK_URL signed with SEALBIN_WEBHOOK_SECRET, carrying no report details or keys; the
 * SSRF guard holds for that URL too; start-up refuses a URL without its secret.
 */

const SECRET = "your-shared-secret";
const PKI = { pkiEnabled: true, pkiCaPassword: "ca-password", registrationEnabled: true, registerPow: 0 };

async function send(server: TestServer, method: string, path: string, body: unknown, headers = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

describe("instance events", () => {
  let server: TestServer;
  let receiver: Receiver;
  let admin: Record<string, string>;
  before(async () => {
    receiver = await startReceiver();
    server = await startServer({
      ...PKI,
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
      webhookAllowPrivate: true,
    });
    const registered = await send(server, "POST", "/register", { common_name: "operator" });
    admin = { "x-ssl-client-sha1": registered.json.fingerprint_sha1 };
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });

  it("report.created reaches SEALBIN_WEBHOOK_URL, signed, without the report's details or key", async () => {
    const id = await createdId(server, "the launch code");
    const report = await send(server, "POST", "/report", {
      url: `${server.url}/${id}#s3cr3t-key`,
      reason: "spam",
      details: "secret data in the details",
    });
    assert.equal(report.status, 201);
    await server.app.webhooks.deliverDue();
    const got = receiver.received.find((r) => r.json.event === "report.created");
    assert.ok(got, "delivered");
    assert.deepEqual(got.json, {
      id: got.json.id,
      event: "report.created",
      created_at: Math.floor(server.clock.now() / 1000),
      report: { id: report.json.id, kind: "paste", target: id, reason: "spam" },
    });
    assert.equal(got.headers["x-sealbin-delivery"], got.json.id);
    assert.equal(got.headers["x-sealbin-event"], "report.created");
    assert.equal(signatureValid(got.headers["x-sealbin-signature"], got.body, SECRET), true);
    assert.equal(signatureValid(got.headers["x-sealbin-signature"], got.body, "another secret"), false);
    for (const forbidden of ["s3cr3t-key", "secret data", "the launch code", "127.0.0.1"]) {
      assert.ok(!got.body.includes(forbidden), forbidden);
    }
  });

  it("writes.changed reaches it when an admin changes the write mode, not when the mode stays", async () => {
    const before = receiver.received.length;
    assert.equal((await send(server, "PUT", "/admin/writes", { mode: "identified" }, admin)).status, 200);
    await server.app.webhooks.deliverDue();
    assert.equal((await send(server, "PUT", "/admin/writes", { mode: "identified" }, admin)).status, 200);
    await server.app.webhooks.deliverDue();
    assert.equal((await send(server, "PUT", "/admin/writes", { mode: "open" }, admin)).status, 200);
    await server.app.webhooks.deliverDue();
    const changes = receiver.received.slice(before).filter((c) => c.json.event === "writes.changed");
    assert.deepEqual(
      changes.map((c) => [c.json.event, c.json.mode]),
      [
        ["writes.changed", "identified"],
        ["writes.changed", "open"],
      ],
    );
    for (const c of changes) assert.ok(signatureValid(c.headers["x-sealbin-signature"], c.body, SECRET));
  });
});

describe("instance events without SEALBIN_WEBHOOK_ALLOW_PRIVATE", () => {
  it("are never sent to a loopback SEALBIN_WEBHOOK_URL: given up and logged, the server goes on", async () => {
    const receiver = await startReceiver();
    const server = await startServer({ webhookUrl: receiver.url, webhookSecret: SECRET });
    try {
      const id = await createdId(server, "reported");
      assert.equal(
        (await send(server, "POST", "/report", { url: `${server.url}/${id}`, reason: "spam" })).status,
        201,
      );
      await server.app.webhooks.deliverDue();
      assert.equal(receiver.received.length, 0);
      assert.equal(await server.store.webhooks.countDeliveries(), 0, "given up, not retried");
      const line = server.logs.find((l) => l.msg === "webhook delivery given up");
      assert.ok(line, "logged");
      assert.match(String(line.reason), /^address refused/);
      assert.ok(!JSON.stringify(line).includes(receiver.url), "without the URL");
      assert.equal((await fetch(`${server.url}/health`)).status, 200);
    } finally {
      await server.close();
      await receiver.close();
    }
  });
});

describe("the instance webhook's settings", () => {
  it("refuse a URL that is not http(s), is too long or carries a user, and a URL without its secret", async () => {
    for (const url of [
      "ftp://hooks.example/",
      "https://u:p@hooks.example/",
      "hooks.example",
      `https://h.example/${"x".repeat(2048)}`,
    ]) {
      assert.throws(
        () => loadConfig({ SEALBIN_WEBHOOK_URL: url, SEALBIN_WEBHOOK_SECRET: SECRET }),
        /SEALBIN_WEBHOOK_URL/,
      );
    }
    await assert.rejects(
      startServer({ webhookUrl: "https://hooks.example/x", webhookSecret: "" }),
      /SEALBIN_WEBHOOK_SECRET/,
    );
  });
});

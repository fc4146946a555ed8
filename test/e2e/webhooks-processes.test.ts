import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadConfig } from "../../src/config/config.ts";
import { openStore, type Store } from "../../src/store/store.ts";
import { backendEnv } from "../helpers/database.ts";
import { READY_TIMEOUT_MS, spawnPair, spawnServer } from "../helpers/process.ts";
import { createdId, FINGERPRINT_A } from "../helpers/server.ts";
import { type Receiver, signatureValid, startReceiver } from "../helpers/webhook-receiver.ts";

/**
 * The delivery queue is the store's (docs/webhooks.md): it outlives the process that queued an
 * event, and several processes on one database deliver each event once, each claim leased to one.
 */

const SECRET = "your-shared-secret";
const envFor = (receiver: Receiver, more: Record<string, string> = {}) => ({
  SEALBIN_POW_DIFFICULTY: "0",
  SEALBIN_RATE_LIMIT: "0",
  SEALBIN_WEBHOOK_URL: receiver.url,
  SEALBIN_WEBHOOK_SECRET: SECRET,
  SEALBIN_WEBHOOK_ALLOW_PRIVATE: "1",
  ...more,
});

/** The database the test's server processes in `dir` share, opened from this process. */
const storeIn = (dir: string): Store =>
  openStore(loadConfig(backendEnv({ SEALBIN_DB: join(dir, "data", "sealbin.db") }, dir)));

/** Waits until `holds()` (checked every 50 ms; bounded by READY_TIMEOUT_MS). */
async function until(holds: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await holds())) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${READY_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function report(base: string, id: string): Promise<void> {
  const res = await fetch(`${base}/report`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: `${base}/${id}`, reason: "spam" }),
  });
  assert.equal(res.status, 201);
}

describe("the delivery queue across processes", () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const newDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "sealbin-webhooks-"));
    dirs.push(dir);
    return dir;
  };

  it("survives a restart: a delivery that failed before the server stopped is made by the next one", async () => {
    const dir = newDir();
    const receiver = await startReceiver();
    const store = storeIn(dir);
    try {
      receiver.failing(500);
      const first = spawnServer(dir, envFor(receiver));
      const base = await first.listening();
      await report(base, await createdId({ url: base }, "reported before a restart"));
      await receiver.heard(1);
      assert.equal(await first.stop(), 0);
      const failedAttempts = receiver.received.length;
      receiver.failing();

      const second = spawnServer(dir, envFor(receiver));
      try {
        await second.listening();
        await receiver.heard(failedAttempts + 1);
        await until(async () => (await store.webhooks.countDeliveries()) === 0, "empty queue");
      } finally {
        await second.stop();
      }
      // Every event queued before the restart (the report's, and the paste's own paste.created) was
      // delivered by the second process, once each: none lost, none twice.
      const idOf = (r: { headers: Record<string, unknown> }) => String(r.headers["x-sealbin-delivery"]);
      const before = new Set(receiver.received.slice(0, failedAttempts).map(idOf));
      const afterRestart = receiver.received.slice(failedAttempts).map(idOf);
      assert.equal(new Set(afterRestart).size, afterRestart.length, "each delivered once after the restart");
      // (The report's may not have had its first attempt before the first process stopped.)
      for (const id of before) assert.ok(afterRestart.includes(id), `${id} was not lost`);
      const delivered = receiver.received
        .slice(failedAttempts)
        .find((r) => r.json.event === "report.created");
      assert.ok(delivered, "the report's event among them");
      assert.ok(signatureValid(delivered.headers["x-sealbin-signature"], delivered.body, SECRET));
    } finally {
      await store.close();
      await receiver.close();
    }
  });

  it("two processes on one database deliver each event once: instance events and owners' alike", async () => {
    const dir = newDir();
    const receiver = await startReceiver();
    const store = storeIn(dir);
    // Both processes sweep every second: each expired paste is deleted, and its event queued, once.
    const pair = await spawnPair(dir, envFor(receiver, { SEALBIN_CLEANUP_INTERVAL: "1" }));
    try {
      const [a, b] = pair.urls;
      const owner = { "x-ssl-client-sha1": FINGERPRINT_A };
      const hook = await fetch(`${a}/webhooks`, {
        method: "POST",
        headers: { "content-type": "application/json", ...owner },
        body: JSON.stringify({ url: `${receiver.url}?owner`, events: ["paste.expired"] }),
      });
      assert.equal(hook.status, 201);
      const secret = ((await hook.json()) as { secret: string }).secret;
      const reported = await createdId({ url: a }, "reported to both");
      const expiring: string[] = [];
      for (let i = 0; i < 10; i++) {
        const base = i % 2 === 0 ? a : b;
        await report(base, reported);
        await report(i % 2 === 0 ? b : a, reported);
        expiring.push(await createdId({ url: base }, `expiring ${i}`, { ...owner, "x-expiry": "1" }));
      }
      const counted = () =>
        receiver.received.filter((r) => ["report.created", "paste.expired"].includes(r.json.event)).length;
      await until(
        async () => counted() >= 30 && (await store.webhooks.countDeliveries()) === 0,
        "30 deliveries",
      );
      const byId = new Map<string, number>();
      for (const r of receiver.received) {
        const id = String(r.headers["x-sealbin-delivery"]);
        byId.set(id, (byId.get(id) ?? 0) + 1);
      }
      assert.deepEqual([...new Set(byId.values())], [1], "each delivery heard once");
      const expired = receiver.received.filter((r) => r.json.event === "paste.expired");
      assert.deepEqual(expired.map((r) => r.json.paste.id).sort(), [...expiring].sort());
      for (const r of expired) assert.ok(signatureValid(r.headers["x-sealbin-signature"], r.body, secret));
      assert.equal(receiver.received.filter((r) => r.json.event === "report.created").length, 20);
    } finally {
      await pair.stop();
      await store.close();
      await receiver.close();
    }
  });
});

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { beforeEach, describe, it } from "node:test";
import type { Conformance } from "./store.suite.ts";
import type { NewWebhook, Store } from "./store.types.ts";

const FAR = 10 ** 12;

/** Empties the queue (other parts of the suite share the store): claimed far in the future, finished. */
async function drainQueue(store: Store): Promise<void> {
  for (;;) {
    const claimed = await store.webhooks.claimDeliveries(FAR, FAR + 60, 100);
    for (const d of claimed) {
      await store.webhooks.finishDelivery({ id: d.id, webhookId: null, at: FAR, result: "", givenUp: false });
    }
    if (claimed.length === 0) return;
  }
}

/** Webhooks: registrations bounded per owner, one statement per owned event, a leased queue. */
export function webhooksConformance(t: Conformance): void {
  const webhook = (overrides: Partial<NewWebhook> = {}): NewWebhook => ({
    id: randomBytes(8).toString("hex"),
    owner: `owner-${randomBytes(4).toString("hex")}`,
    url: `https://hooks.example/${randomBytes(4).toString("hex")}`,
    events: ["paste.read"],
    secret: `whsec_${randomBytes(8).toString("hex")}`,
    createdAt: 1000,
    ...overrides,
  });

  describe("webhooks", () => {
    beforeEach(() => drainQueue(t.store));

    it("stores an owner's webhooks up to the bound, one per URL, and lists them without the secret", async () => {
      const first = webhook({ events: ["paste.read", "paste.deleted"] });
      assert.equal(await t.store.webhooks.insertWebhook(first, 2), "inserted");
      assert.equal(
        await t.store.webhooks.insertWebhook(webhook({ owner: first.owner, url: first.url }), 2),
        "exists",
      );
      const second = webhook({ owner: first.owner, createdAt: 1001 });
      assert.equal(await t.store.webhooks.insertWebhook(second, 2), "inserted");
      assert.equal(await t.store.webhooks.insertWebhook(webhook({ owner: first.owner }), 2), "limit");
      assert.equal(
        await t.store.webhooks.insertWebhook(webhook({ url: first.url }), 2),
        "inserted",
        "another owner",
      );
      const listed = await t.store.webhooks.listWebhooks(first.owner);
      assert.deepEqual(listed[0], {
        id: first.id,
        owner: first.owner,
        url: first.url,
        events: ["paste.read", "paste.deleted"],
        createdAt: 1000,
        lastAttemptAt: null,
        lastResult: null,
        failedDeliveries: 0,
      });
      assert.deepEqual(
        listed.map((w) => w.id),
        [first.id, second.id],
      );
      assert.ok(!JSON.stringify(listed).includes(first.secret));
      assert.deepEqual(await t.store.webhooks.webhookTarget(first.id), {
        url: first.url,
        secret: first.secret,
      });
    });

    it("queues an owner's event in one statement for the subscribed webhooks only", async () => {
      const reads = webhook({ events: ["paste.read"] });
      const both = webhook({ owner: reads.owner, events: ["paste.read", "paste.expired"] });
      const others = webhook({ events: ["paste.read"] });
      for (const w of [reads, both, others]) await t.store.webhooks.insertWebhook(w, 20);
      const queue = (event: string, owner = reads.owner) =>
        t.store.webhooks.enqueueOwnerEvent({
          eventId: randomBytes(8).toString("hex"),
          owner,
          event,
          body: "{}",
          now: 1000,
        });
      assert.equal(await queue("paste.read"), 2);
      assert.equal(await queue("paste.expired"), 1);
      assert.equal(await queue("paste.deleted"), 0);
      assert.equal(await queue("paste.read", "nobody"), 0);
      assert.equal(await t.store.webhooks.countDeliveries(both.id), 2);
      const claimed = await t.store.webhooks.claimDeliveries(1000, 1060, 10);
      assert.equal(claimed.length, 3);
      for (const d of claimed) assert.ok(d.id.endsWith(`-${d.webhookId}`), d.id);
    });

    it("leases a claimed delivery to one claimant until it ends, and counts each attempt", async () => {
      const w = webhook();
      await t.store.webhooks.insertWebhook(w, 20);
      await t.store.webhooks.enqueueOwnerEvent({
        eventId: "e1",
        owner: w.owner,
        event: "paste.read",
        body: '{"a":1}',
        now: 1000,
      });
      assert.equal(await t.store.webhooks.hasDueDelivery(999), false);
      assert.equal(await t.store.webhooks.hasDueDelivery(1000), true);
      const [d] = await t.store.webhooks.claimDeliveries(1000, 1060, 10);
      assert.deepEqual(d, {
        id: `e1-${w.id}`,
        webhookId: w.id,
        event: "paste.read",
        body: '{"a":1}',
        createdAt: 1000,
        attempts: 1,
      });
      assert.equal(await t.store.webhooks.hasDueDelivery(1059), false);
      assert.deepEqual(await t.store.webhooks.claimDeliveries(1059, 1119, 10), [], "leased");
      const [again] = await t.store.webhooks.claimDeliveries(1060, 1120, 10);
      assert.equal(again?.attempts, 2, "a lease that ran out is claimed again");

      await t.store.webhooks.retryDelivery({
        id: d?.id ?? "",
        webhookId: w.id,
        at: 1061,
        result: "HTTP 500",
        nextAttemptAt: 1070,
      });
      assert.deepEqual(
        await t.store.webhooks.claimDeliveries(1069, 1129, 10),
        [],
        "not due before its retry",
      );
      assert.equal((await t.store.webhooks.listWebhooks(w.owner))[0]?.lastResult, "HTTP 500");
      const [third] = await t.store.webhooks.claimDeliveries(1070, 1130, 10);
      assert.equal(third?.attempts, 3);
      await t.store.webhooks.finishDelivery({
        id: d?.id ?? "",
        webhookId: w.id,
        at: 1071,
        result: "given up: HTTP 500",
        givenUp: true,
      });
      assert.equal(await t.store.webhooks.countDeliveries(w.id), 0);
      const [listed] = await t.store.webhooks.listWebhooks(w.owner);
      assert.equal(listed?.lastAttemptAt, 1071);
      assert.equal(listed?.lastResult, "given up: HTTP 500");
      assert.equal(listed?.failedDeliveries, 1);
    });

    it("queues instance events without a webhook, and deleting a webhook drops its queue", async () => {
      await t.store.webhooks.enqueueInstanceEvent({
        id: "instance-1",
        event: "report.created",
        body: "{}",
        now: 1000,
      });
      const w = webhook();
      await t.store.webhooks.insertWebhook(w, 20);
      await t.store.webhooks.enqueueOwnerEvent({
        eventId: "e2",
        owner: w.owner,
        event: "paste.read",
        body: "{}",
        now: 1000,
      });
      assert.equal(await t.store.webhooks.deleteWebhook("someone-else", w.id), false);
      assert.equal(await t.store.webhooks.deleteWebhook(w.owner, w.id), true);
      assert.equal(await t.store.webhooks.deleteWebhook(w.owner, w.id), false);
      assert.deepEqual(await t.store.webhooks.listWebhooks(w.owner), []);
      const claimed = await t.store.webhooks.claimDeliveries(1000, 1060, 10);
      assert.deepEqual(
        claimed.map((d) => [d.id, d.webhookId, d.event]),
        [["instance-1", null, "report.created"]],
      );
    });

    it("gives each due delivery to one of two handles claiming at once", async (ctx) => {
      if (!t.openSecond) return ctx.skip("one handle only");
      const second = await t.openSecond(t.store);
      try {
        const ids: string[] = [];
        for (let i = 0; i < 40; i++) {
          const id = `race-${i}-${randomBytes(4).toString("hex")}`;
          ids.push(id);
          await t.store.webhooks.enqueueInstanceEvent({ id, event: "report.created", body: "{}", now: 1000 });
        }
        const claims: Promise<readonly { id: string }[]>[] = [];
        for (let i = 0; i < 8; i++) {
          claims.push(
            t.store.webhooks.claimDeliveries(1000, 1060, 5),
            second.webhooks.claimDeliveries(1000, 1060, 5),
          );
        }
        const got = (await Promise.all(claims)).flat().map((d) => d.id);
        assert.equal(new Set(got).size, got.length, "no delivery claimed twice");
        // A claimant that lost a race for a row skips it: what is left is claimed next time.
        const rest = (await t.store.webhooks.claimDeliveries(1000, 1060, 100)).map((d) => d.id);
        assert.deepEqual([...got, ...rest].sort(), [...ids].sort());
      } finally {
        await second.close();
      }
    });
  });
}

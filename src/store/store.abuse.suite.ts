import assert from "node:assert/strict";
import { it } from "node:test";
import type { Conformance } from "./store.suite.ts";

/** What the abuse defences keep: secrets, single-use nonces, windowed counters, shared state. */
export function abuseConformance(t: Conformance): void {
  it("keeps the first candidate of a secret, whoever asks later", async () => {
    assert.equal(await t.store.abuse.getOrCreateSecret("pow", "first", 1), "first");
    assert.equal(await t.store.abuse.getOrCreateSecret("pow", "second", 2), "first");
    assert.equal(await t.store.abuse.getOrCreateSecret("other", "x", 2), "x");
  });

  it("accepts a nonce once", async () => {
    assert.equal(await t.store.abuse.consumeNonce("n1", 100), true);
    assert.equal(await t.store.abuse.consumeNonce("n1", 100), false);
    assert.equal(await t.store.abuse.consumeNonce("n2", 100), true);
  });

  it("counts events per key in fixed windows, starting again in a new window", async () => {
    assert.equal(await t.store.abuse.readCounter("ip:1", 60), 0);
    assert.equal(await t.store.abuse.incrementCounter("ip:1", 60, 120), 1);
    assert.equal(await t.store.abuse.incrementCounter("ip:1", 60, 120), 2);
    assert.equal(await t.store.abuse.incrementCounter("ip:2", 60, 120), 1);
    assert.equal(await t.store.abuse.readCounter("ip:1", 60), 2);
    assert.equal(await t.store.abuse.incrementCounter("ip:1", 120, 180), 1);
    assert.equal(await t.store.abuse.readCounter("ip:1", 60), 0, "the old window is over");
    const many = await Promise.all(
      Array.from({ length: 20 }, () => t.store.abuse.incrementCounter("burst", 0, 60)),
    );
    assert.deepEqual(
      [...many].sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it("updates shared state read-modify-write", async () => {
    assert.equal(await t.store.abuse.readState("flood"), undefined);
    await Promise.all(
      Array.from({ length: 10 }, () =>
        t.store.abuse.updateState<{ n: number }>("flood", (s) => ({ n: (s?.n ?? 0) + 1 })),
      ),
    );
    assert.deepEqual(await t.store.abuse.readState("flood"), { n: 10 });
  });

  it("sweeps used nonces and ended counters once they expire", async () => {
    await t.store.abuse.consumeNonce("old", 50);
    await t.store.abuse.consumeNonce("new", 500);
    await t.store.abuse.incrementCounter("old-counter", 0, 50);
    assert.ok((await t.store.abuse.deleteExpiredEphemera(100, 100)) >= 2);
    assert.equal(await t.store.abuse.consumeNonce("old", 50), true, "an expired nonce was swept");
    assert.equal(await t.store.abuse.consumeNonce("new", 500), false);
    assert.equal(await t.store.abuse.readCounter("old-counter", 0), 0);
  });

  it("adds batches to counters in one transaction, a new window starting from the batch", async () => {
    await t.store.abuse.incrementCounter("batch-a", 0, 999);
    assert.deepEqual(
      await t.store.abuse.addToCounters([
        { key: "batch-a", windowStart: 0, expiresAt: 999, n: 4 },
        { key: "batch-b", windowStart: 0, expiresAt: 999, n: 2 },
      ]),
      [5, 2],
    );
    assert.deepEqual(
      await t.store.abuse.addToCounters([{ key: "batch-a", windowStart: 60, expiresAt: 999, n: 3 }]),
      [3],
    );
    assert.equal(await t.store.abuse.readCounter("batch-b", 0), 2);
    assert.equal(await t.store.abuse.incrementCounter("batch-b", 0, 999), 3);
  });

  it("keeps read blocks per window, moves a key to a new window, and sweeps ended ones", async () => {
    await t.store.abuse.blockReads("v4:192.0.2.1", 600, 660);
    await t.store.abuse.blockReads("v4:192.0.2.2", 600, 660);
    await t.store.abuse.blockReads("v4:192.0.2.3", 540, 600);
    assert.deepEqual((await t.store.abuse.readBlocks(600)).sort(), ["v4:192.0.2.1", "v4:192.0.2.2"]);
    await t.store.abuse.blockReads("v4:192.0.2.1", 660, 720);
    assert.deepEqual(await t.store.abuse.readBlocks(600), ["v4:192.0.2.2"]);
    assert.deepEqual(await t.store.abuse.readBlocks(660), ["v4:192.0.2.1"]);
    assert.ok((await t.store.abuse.deleteExpiredEphemera(660, 100)) >= 2);
    assert.deepEqual(await t.store.abuse.readBlocks(540), []);
    assert.deepEqual(await t.store.abuse.readBlocks(600), []);
    assert.deepEqual(await t.store.abuse.readBlocks(660), ["v4:192.0.2.1"]);
  });
}

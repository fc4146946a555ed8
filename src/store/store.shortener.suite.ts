import assert from "node:assert/strict";
import { it } from "node:test";
import type { Conformance } from "./store.suite.ts";

/** Short URLs. */
export function shortenerConformance(t: Conformance): void {
  it("stores short URLs: unique ids, expiry, owner lists, batched clicks, delete and sweep", async () => {
    const owner = "c".repeat(40);
    const base = { target: "https://example.com/a", owner, createdAt: 1000, expiresAt: null };
    assert.equal(await t.store.shortener.insertShortUrl({ ...base, id: "AbCd1234" }), true);
    assert.equal(
      await t.store.shortener.insertShortUrl({ ...base, id: "AbCd1234", target: "https://x.org/" }),
      false,
    );
    assert.equal(
      await t.store.shortener.insertShortUrl({ ...base, id: "abcd1234", createdAt: 1001 }),
      true,
      "ids are case-sensitive",
    );
    assert.equal(
      await t.store.shortener.insertShortUrl({ ...base, id: "Expiring", owner: null, expiresAt: 1500 }),
      true,
    );
    const found = await t.store.shortener.findShortUrl("AbCd1234", 5000);
    assert.deepEqual(found, { ...base, id: "AbCd1234", clicks: 0, quarantinedAt: null });
    assert.ok(await t.store.shortener.findShortUrl("Expiring", 1499));
    assert.equal(await t.store.shortener.findShortUrl("Expiring", 1500), undefined);

    await t.store.shortener.addClicks(
      new Map([
        ["AbCd1234", 3],
        ["abcd1234", 1],
        ["missing1", 9],
      ]),
    );
    await t.store.shortener.addClicks(new Map([["AbCd1234", 2]]));
    assert.equal((await t.store.shortener.findShortUrl("AbCd1234", 0))?.clicks, 5);

    const page = await t.store.shortener.listShortUrls(owner, 1000, 1, 0);
    assert.equal(page.total, 2);
    assert.deepEqual(
      page.items.map((u) => u.id),
      ["abcd1234"],
      "newest first",
    );
    assert.equal((await t.store.shortener.listShortUrls(null, 1000, 10, 0)).total, 3);

    assert.equal(await t.store.shortener.deleteExpiredShortUrls(1500, 100), 1);
    assert.equal(await t.store.shortener.deleteShortUrl("AbCd1234"), true);
    assert.equal(await t.store.shortener.deleteShortUrl("AbCd1234"), false);
  });
}

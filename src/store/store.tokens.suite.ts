import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { it } from "node:test";
import type { Conformance } from "./store.suite.ts";
import type { NewToken } from "./store.types.ts";

/** API tokens: found by their secret's hash while live, bounded per owner, revoked on every handle. */
export function tokensConformance(t: Conformance): void {
  const token = (overrides: Partial<NewToken> = {}): NewToken => ({
    id: randomBytes(8).toString("hex"),
    secretHash: randomBytes(32).toString("hex"),
    owner: `owner-${randomBytes(4).toString("hex")}`,
    name: "ci",
    scopes: ["paste:create"],
    createdAt: 1000,
    expiresAt: null,
    ...overrides,
  });

  it("finds a token by its secret's hash while it is live, and lists it without the hash", async () => {
    const live = token({ scopes: ["paste:create", "paste:delete"] });
    const expiring = token({ owner: live.owner, expiresAt: 1500, createdAt: 1001 });
    for (const k of [live, expiring]) assert.equal(await t.store.tokens.insertToken(k, 10, 1000), true);
    const found = await t.store.tokens.findTokenBySecret(live.secretHash, 2000);
    assert.deepEqual(found, {
      id: live.id,
      owner: live.owner,
      name: "ci",
      scopes: ["paste:create", "paste:delete"],
      createdAt: 1000,
      expiresAt: null,
      lastUsedAt: null,
    });
    assert.equal((await t.store.tokens.findTokenBySecret(expiring.secretHash, 1499))?.id, expiring.id);
    assert.equal(await t.store.tokens.findTokenBySecret(expiring.secretHash, 1500), undefined);
    const listed = await t.store.tokens.listTokens(live.owner);
    assert.deepEqual(
      listed.map((k) => k.id),
      [expiring.id, live.id],
    );
    assert.ok(listed.every((k) => !("secretHash" in k)));
  });

  it("keeps an owner to the bound of live tokens, expired ones not counted", async () => {
    const owner = `bound-${randomBytes(4).toString("hex")}`;
    assert.equal(await t.store.tokens.insertToken(token({ owner, expiresAt: 1100 }), 2, 1000), true);
    assert.equal(await t.store.tokens.insertToken(token({ owner }), 2, 1000), true);
    assert.equal(await t.store.tokens.insertToken(token({ owner }), 2, 1000), false);
    assert.equal(await t.store.tokens.insertToken(token({ owner }), 2, 1200), true);
  });

  it("revokes only the owner's own token, and the sweep removes expired ones", async () => {
    const k = token();
    await t.store.tokens.insertToken(k, 10, 1000);
    assert.equal(await t.store.tokens.deleteToken("someone-else", k.id), false);
    assert.equal(await t.store.tokens.deleteToken(k.owner, k.id), true);
    assert.equal(await t.store.tokens.findTokenBySecret(k.secretHash, 1000), undefined);
    const old = token({ expiresAt: 1100 });
    await t.store.tokens.insertToken(old, 10, 1000);
    assert.ok((await t.store.tokens.deleteExpiredTokens(1200, 100)) >= 1);
    assert.deepEqual(await t.store.tokens.listTokens(old.owner), []);
  });

  it("records a use only when the recorded one is stale", async () => {
    const k = token();
    await t.store.tokens.insertToken(k, 10, 1000);
    await t.store.tokens.touchToken(k.id, 1010, 950);
    await t.store.tokens.touchToken(k.id, 1020, 960);
    assert.equal((await t.store.tokens.findTokenBySecret(k.secretHash, 1030))?.lastUsedAt, 1010);
    await t.store.tokens.touchToken(k.id, 1100, 1040);
    assert.equal((await t.store.tokens.findTokenBySecret(k.secretHash, 1100))?.lastUsedAt, 1100);
  });
}

import assert from "node:assert/strict";
import { it } from "node:test";
import type { Conformance } from "./store.suite.ts";

/** What /health and the other processes rely on: size, ping, and a second handle on the same database. */
export function opsConformance(t: Conformance): void {
  const { paste, openSecond } = t;
  it("reports its size on disk", async () => {
    assert.ok((await t.store.sizeBytes()) > 0);
  });

  it("answers a ping while open", async () => {
    await t.store.ping();
  });

  if (openSecond) {
    it("shares every paste, burn and sweep with a second handle on the same database", async () => {
      const second = await openSecond(t.store);
      try {
        const p = paste({ burnAfterRead: true });
        await t.store.pastes.insertPaste(p);
        assert.ok(await second.pastes.findPaste(p.id, 1500));
        const [a, b] = await Promise.all([
          t.store.pastes.burnPaste(p.id, 1500, 9000),
          second.pastes.burnPaste(p.id, 1500, 9000),
        ]);
        assert.equal([a, b].filter((r) => r !== undefined).length, 1);
        const old = paste({ expiresAt: 10 });
        await t.store.pastes.insertPaste(old);
        await Promise.all([
          t.store.pastes.deleteExpiredPastes(20, 100),
          second.pastes.deleteExpiredPastes(20, 100),
        ]);
        assert.equal(await t.store.pastes.findPaste(old.id, 0), undefined);
        assert.equal(
          await second.abuse.getOrCreateSecret("shared", "b", 1),
          await t.store.abuse.getOrCreateSecret("shared", "a", 1),
        );
        assert.equal(await t.store.abuse.consumeNonce("shared-nonce", 999), true);
        assert.equal(await second.abuse.consumeNonce("shared-nonce", 999), false);
        await t.store.abuse.incrementCounter("shared-counter", 0, 999);
        assert.equal(await second.abuse.incrementCounter("shared-counter", 0, 999), 2);
        await second.abuse.updateState<number>("shared-state", (n) => (n ?? 0) + 1);
        assert.equal(await t.store.abuse.updateState<number>("shared-state", (n) => (n ?? 0) + 1), 2);
      } finally {
        await second.close();
      }
    });
  }
}

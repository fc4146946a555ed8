import assert from "node:assert/strict";
import { it } from "node:test";
import type { Conformance } from "./store.suite.ts";

/** The sealed function API's clients. */
export function functionsConformance(t: Conformance): void {
  it("keeps function-API clients: one secret hash per key, replaced, removed, purged", async () => {
    const a = { publicKey: `${"A".repeat(43)}=`, secretHash: "1".repeat(64), createdAt: 10 };
    const b = { publicKey: `${"B".repeat(43)}=`, secretHash: "2".repeat(64), createdAt: 11 };
    await t.store.functions.putFunctionClient(a);
    await t.store.functions.putFunctionClient(b);
    await t.store.functions.putFunctionClient({ ...a, secretHash: "3".repeat(64), createdAt: 12 });
    assert.deepEqual(await t.store.functions.listFunctionClients(), [
      b,
      { ...a, secretHash: "3".repeat(64), createdAt: 12 },
    ]);
    assert.equal(await t.store.functions.removeFunctionClient(b.publicKey), true);
    assert.equal(await t.store.functions.removeFunctionClient(b.publicKey), false);
    assert.equal(await t.store.functions.purgeFunctionClients(), 1);
    assert.deepEqual(await t.store.functions.listFunctionClients(), []);
  });
}

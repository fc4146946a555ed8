import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { it } from "node:test";
import { bytesOf, type Conformance } from "./store.suite.ts";
import { ContentBlocked } from "./store.types.ts";

/** Moderation: quarantine hides content and outlives expiry, the blocklist, same source, reports. */
export function moderationConformance(t: Conformance): void {
  const { paste } = t;
  const hash = () => randomBytes(32).toString("hex");

  it("a quarantined paste is found but serves no content, neither burns nor expires away", async () => {
    const plain = paste();
    const burn = paste({ burnAfterRead: true });
    for (const p of [plain, burn]) await t.store.pastes.insertPaste(p);
    for (const p of [plain, burn])
      assert.deepEqual(await t.store.moderation.quarantinePaste(p.id, 1100, false), [p.id]);
    assert.equal((await t.store.pastes.findPaste(plain.id, 1500))?.quarantinedAt, 1100);
    assert.equal((await t.store.pastes.readPaste(plain.id, 1500))?.content, undefined);
    assert.equal(await t.store.pastes.readContent(plain.id, 1500), undefined);
    assert.equal(await t.store.pastes.burnPaste(burn.id, 1500, 1600), undefined);
    assert.ok(await t.store.pastes.findPaste(plain.id, 5000), "found past its expiry");
    await t.store.pastes.deleteExpiredPastes(5000, 100);
    assert.ok(await t.store.moderation.findPaste(plain.id, 5000), "the sweep keeps it");
    assert.equal(await t.store.moderation.releasePaste(plain.id), true);
    assert.equal(await t.store.moderation.releasePaste(plain.id), false);
    assert.equal(bytesOf(await t.store.pastes.readContent(plain.id, 1500)).toString(), "hello");
    assert.deepEqual(await t.store.moderation.quarantinePaste("ffffffffffff", 1100, false), []);
  });

  it("a blocked hash stores nothing, inline or chunked, and quarantines the pastes it names", async () => {
    const sha256 = hash();
    const before = paste({ sha256 });
    await t.store.pastes.insertPaste(before);
    const added = await t.store.moderation.addBlock({ sha256, createdAt: 1200, createdBy: "admin" });
    assert.deepEqual(added, { added: true, quarantined: [before.id] });
    assert.equal(
      (await t.store.moderation.addBlock({ sha256, createdAt: 1300, createdBy: "admin" })).added,
      false,
    );
    const inline = paste({ sha256 });
    await assert.rejects(t.store.pastes.insertPaste(inline), ContentBlocked);
    assert.equal(await t.store.moderation.findPaste(inline.id, 1500), undefined, "nothing left behind");
    const blobId = `blob-${randomBytes(4).toString("hex")}`;
    await t.store.pastes.openBlob(blobId, 9999);
    await t.store.pastes.writeChunk(blobId, 0, Buffer.from("chunk"));
    const chunked = paste({ sha256, content: { blobId } });
    await assert.rejects(t.store.pastes.insertPaste(chunked), ContentBlocked);
    assert.equal(await t.store.moderation.findPaste(chunked.id, 1500), undefined);
    await t.store.pastes.reapBlobs(10_000, 100);
    assert.equal(await t.store.pastes.readChunk(blobId, 0), undefined, "unclaimed, the reaper takes it");
    const page = await t.store.moderation.listBlocks(10, 0);
    assert.ok(page.items.some((b) => b.sha256 === sha256 && b.createdBy === "admin"));
    assert.equal(await t.store.moderation.removeBlock(sha256), true);
    assert.equal(await t.store.moderation.removeBlock(sha256), false);
    assert.equal(await t.store.pastes.insertPaste(paste({ sha256 })), true);
  });

  it("quarantines by source while the record is kept, and forgets it after", async () => {
    const source = { hash: hash(), until: 3000 };
    const [a, b, c] = [
      paste({ source }),
      paste({ source }),
      paste({ source: { hash: hash(), until: 3000 } }),
    ];
    for (const p of [a, b, c]) await t.store.pastes.insertPaste(p);
    assert.equal((await t.store.moderation.findPaste(a.id, 1500))?.sourceRecorded, true);
    assert.deepEqual(await t.store.moderation.quarantinePaste(a.id, 1500, true), [a.id, b.id]);
    assert.equal((await t.store.pastes.findPaste(c.id, 1500))?.quarantinedAt, null);
    assert.ok((await t.store.moderation.forgetSources(3000, 100)) >= 3);
    assert.equal((await t.store.moderation.findPaste(a.id, 1500))?.sourceRecorded, false);
  });

  it("keeps reports with their key, resolves, actions and deletes them", async () => {
    const p = paste();
    await t.store.pastes.insertPaste(p);
    const report = { createdAt: 1100, kind: "paste" as const, target: p.id, reason: "spam", details: "d" };
    assert.equal(await t.store.moderation.insertReport({ ...report, id: "r1", key: "k" }), true);
    assert.equal(await t.store.moderation.insertReport({ ...report, id: "r1", key: null }), false);
    assert.equal(
      await t.store.moderation.insertReport({ ...report, id: "r2", key: null, createdAt: 1200 }),
      true,
    );
    assert.deepEqual(await t.store.moderation.reportIdsOf("paste", p.id), ["r2", "r1"]);
    assert.equal((await t.store.moderation.findReport("r1"))?.key, "k");
    await t.store.moderation.actionReports("paste", [p.id], "admin", 1300);
    assert.equal((await t.store.moderation.findReport("r2"))?.state, "actioned");
    assert.equal(
      (await t.store.moderation.listReports("open", 10, 0)).items.some((r) => r.target === p.id),
      false,
    );
    assert.equal(await t.store.moderation.resolveReport("r1", "dismissed", "admin", 1400), true);
    assert.equal(await t.store.moderation.resolveReport("nope", "dismissed", "admin", 1400), false);
    assert.equal((await t.store.moderation.deleteStaleReports(1399, 100)) >= 1, true, "r2, resolved at 1300");
    assert.ok(await t.store.moderation.findReport("r1"));
    await t.store.pastes.deletePaste(p.id);
    await t.store.moderation.deleteStaleReports(0, 100);
    assert.equal(await t.store.moderation.findReport("r1"), undefined, "its paste is gone");
  });
}

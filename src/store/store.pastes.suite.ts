import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bytesOf, type Conformance } from "./store.suite.ts";
import { BlobGone, type ClaimedView } from "./store.types.ts";

/** Pastes: stored, read, expired, burnt, touched, deleted and swept; chunked content; owner listings. */
export function pastesConformance(t: Conformance): void {
  const { paste } = t;
  it("stores a paste and reads back its metadata and content byte for byte", async () => {
    const content = Buffer.from([0, 1, 2, 255, 254, 0]);
    const p = paste({ content, size: content.length, owner: "f".repeat(40), passwordHash: "h" });
    assert.equal(await t.store.pastes.insertPaste(p), true);
    const { content: _c, ...meta } = p;
    assert.deepEqual(await t.store.pastes.findPaste(p.id, 1500), {
      ...meta,
      viewsLeft: null,
      quarantinedAt: null,
    });
    assert.deepEqual(bytesOf(await t.store.pastes.readContent(p.id, 1500)), content);
  });

  it("refuses a second paste with a taken id, leaving the first intact", async () => {
    const p = paste();
    assert.equal(await t.store.pastes.insertPaste(p), true);
    assert.equal(await t.store.pastes.insertPaste({ ...p, content: Buffer.from("other") }), false);
    assert.equal(bytesOf(await t.store.pastes.readContent(p.id, 1500)).toString(), "hello");
  });

  it("treats a paste as gone from the second its deadline arrives", async () => {
    const p = paste({ expiresAt: 2000 });
    await t.store.pastes.insertPaste(p);
    assert.ok(await t.store.pastes.findPaste(p.id, 1999));
    assert.equal(await t.store.pastes.findPaste(p.id, 2000), undefined);
    assert.equal(await t.store.pastes.readPaste(p.id, 2000), undefined);
    assert.equal(await t.store.pastes.readContent(p.id, 2000), undefined);
    assert.equal(await t.store.pastes.burnPaste(p.id, 2000, 9000), undefined);
  });

  it("reads an open paste's content in the same round trip, and withholds a guarded one's", async () => {
    const open = paste();
    const burn = paste({ burnAfterRead: true });
    const locked = paste({ passwordHash: "x" });
    for (const p of [open, burn, locked]) await t.store.pastes.insertPaste(p);
    assert.equal(bytesOf((await t.store.pastes.readPaste(open.id, 1500))?.content).toString(), "hello");
    assert.equal((await t.store.pastes.readPaste(burn.id, 1500))?.content, undefined);
    assert.equal((await t.store.pastes.readPaste(locked.id, 1500))?.content, undefined);
  });

  describe("chunked content", () => {
    let b = 0;
    const newBlob = async (chunks: string[], reapAfter = 5000) => {
      const blobId = `blob${++b}`.padEnd(32, "0");
      await t.store.pastes.openBlob(blobId, reapAfter);
      for (const [seq, c] of chunks.entries()) await t.store.pastes.writeChunk(blobId, seq, Buffer.from(c));
      return blobId;
    };
    const readAll = async (blobId: string) => {
      const parts: Buffer[] = [];
      for (let seq = 0; ; seq++) {
        const chunk = await t.store.pastes.readChunk(blobId, seq);
        if (!chunk) return Buffer.concat(parts).toString();
        parts.push(Buffer.from(chunk));
      }
    };

    it("stores chunks in order and serves a paste that refers to them", async () => {
      const blobId = await newBlob(["abc", "def", "g"]);
      const p = paste({ content: { blobId }, size: 7 });
      assert.equal(await t.store.pastes.insertPaste(p), true);
      assert.deepEqual((await t.store.pastes.readPaste(p.id, 1500))?.content, { blobId });
      assert.deepEqual(await t.store.pastes.readContent(p.id, 1500), { blobId });
      assert.equal(await readAll(blobId), "abcdefg");
      assert.equal(await t.store.pastes.reapBlobs(99_999, 100), 0, "a claimed blob is never reaped");
      assert.equal(await readAll(blobId), "abcdefg");
    });

    it("reaps an unclaimed upload only once its time is up", async () => {
      const blobId = await newBlob(["abandoned"], 3000);
      assert.equal(await t.store.pastes.reapBlobs(2999, 100), 0);
      assert.equal(await t.store.pastes.reapBlobs(3000, 100), 1);
      assert.equal(await t.store.pastes.readChunk(blobId, 0), undefined);
      await assert.rejects(t.store.pastes.insertPaste(paste({ content: { blobId }, size: 9 })), BlobGone);
    });

    it("refuses a taken id without claiming the blob", async () => {
      const taken = paste();
      await t.store.pastes.insertPaste(taken);
      const blobId = await newBlob(["x"], 3000);
      assert.equal(await t.store.pastes.insertPaste({ ...taken, content: { blobId }, size: 1 }), false);
      assert.equal(await t.store.pastes.reapBlobs(3000, 100), 1, "still unclaimed");
    });

    it("deletes a deleted paste's chunks at once, and an expired one's at the next reap", async () => {
      const deleted = await newBlob(["gone"]);
      const d = paste({ content: { blobId: deleted }, size: 4 });
      await t.store.pastes.insertPaste(d);
      assert.equal(await t.store.pastes.deletePaste(d.id), true);
      assert.equal(await t.store.pastes.readChunk(deleted, 0), undefined);

      const expiring = await newBlob(["old"]);
      const e = paste({ content: { blobId: expiring }, size: 3, expiresAt: 10 });
      await t.store.pastes.insertPaste(e);
      assert.deepEqual(await t.store.pastes.deleteExpiredPastes(20, 100), [{ id: e.id, owner: e.owner }]);
      assert.ok(await t.store.pastes.readChunk(expiring, 0), "until the reap");
      assert.equal(await t.store.pastes.reapBlobs(20, 100), 1);
      assert.equal(await t.store.pastes.readChunk(expiring, 0), undefined);
    });

    it("burns a chunked paste once and keeps its chunks for that one download", async () => {
      const blobId = await newBlob(["secret", "!"]);
      const p = paste({ content: { blobId }, size: 7, burnAfterRead: true });
      await t.store.pastes.insertPaste(p);
      const results = await Promise.all([1, 2, 3].map(() => t.store.pastes.burnPaste(p.id, 1500, 4000)));
      assert.deepEqual(
        results.filter((r) => r !== undefined),
        [{ blobId }],
      );
      assert.equal(await t.store.pastes.reapBlobs(3999, 100), 0, "readable during its grace");
      assert.equal(await readAll(blobId), "secret!");
      await t.store.pastes.dropBlob(blobId);
      assert.equal(await t.store.pastes.readChunk(blobId, 0), undefined);
    });
  });

  it("burns a paste once: the first caller gets the content, the next nothing", async () => {
    const p = paste({ burnAfterRead: true });
    await t.store.pastes.insertPaste(p);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => t.store.pastes.burnPaste(p.id, 1500, 9000)),
    );
    assert.equal(results.filter((r) => r !== undefined).length, 1);
    assert.equal(await t.store.pastes.findPaste(p.id, 1500), undefined);
  });

  describe("view limits", () => {
    const claims = (id: string, n: number, store = t.store) =>
      Array.from({ length: n }, () => store.pastes.claimView(id, 1500, 9000));
    const served = (results: readonly (ClaimedView | undefined)[]) =>
      results.filter((r): r is ClaimedView => r !== undefined);

    it("counts each view: the third of three returns the content and deletes the paste", async () => {
      const p = paste({ maxViews: 3 });
      await t.store.pastes.insertPaste(p);
      const meta = await t.store.pastes.findPaste(p.id, 1500);
      assert.deepEqual([meta?.maxViews, meta?.viewsLeft, meta?.burnAfterRead], [3, 3, false]);
      for (const left of [2, 1]) {
        const view = await t.store.pastes.claimView(p.id, 1500, 9000);
        assert.equal(bytesOf(view?.content).toString(), "hello");
        assert.equal(view?.viewsLeft, left);
        assert.equal((await t.store.pastes.findPaste(p.id, 1500))?.viewsLeft, left);
      }
      const last = await t.store.pastes.claimView(p.id, 1500, 9000);
      assert.equal(bytesOf(last?.content).toString(), "hello");
      assert.equal(last?.viewsLeft, 0);
      assert.equal(await t.store.pastes.findPaste(p.id, 1500), undefined, "deleted by its last view");
      assert.equal(await t.store.pastes.claimView(p.id, 1500, 9000), undefined);
    });

    it("stores burn-after-read as one view, and one view as burn-after-read", async () => {
      const burn = paste({ burnAfterRead: true });
      const one = paste({ maxViews: 1 });
      for (const p of [burn, one]) {
        await t.store.pastes.insertPaste(p);
        const meta = await t.store.pastes.findPaste(p.id, 1500);
        assert.deepEqual([meta?.maxViews, meta?.viewsLeft, meta?.burnAfterRead], [1, 1, true]);
        assert.equal((await t.store.pastes.claimView(p.id, 1500, 9000))?.viewsLeft, 0);
        assert.equal(await t.store.pastes.findPaste(p.id, 1500), undefined);
      }
    });

    it("serves a limited paste's content only through a claim, and claims no unlimited one", async () => {
      const limited = paste({ maxViews: 2 });
      const open = paste();
      for (const p of [limited, open]) await t.store.pastes.insertPaste(p);
      assert.equal((await t.store.pastes.readPaste(limited.id, 1500))?.content, undefined);
      assert.equal(await t.store.pastes.readContent(limited.id, 1500), undefined);
      assert.equal((await t.store.pastes.findPaste(limited.id, 1500))?.viewsLeft, 2, "nothing counted");
      assert.equal(await t.store.pastes.claimView(open.id, 1500, 9000), undefined);
      assert.equal(bytesOf(await t.store.pastes.readContent(open.id, 1500)).toString(), "hello");
    });

    it("counts no view of an expired or quarantined paste", async () => {
      const expired = paste({ maxViews: 2, expiresAt: 1400 });
      const held = paste({ maxViews: 2 });
      for (const p of [expired, held]) await t.store.pastes.insertPaste(p);
      assert.equal(await t.store.pastes.claimView(expired.id, 1500, 9000), undefined);
      await t.store.moderation.quarantinePaste(held.id, 1100, false);
      assert.equal(await t.store.pastes.claimView(held.id, 1500, 9000), undefined);
      await t.store.moderation.releasePaste(held.id);
      assert.equal((await t.store.pastes.findPaste(held.id, 1500))?.viewsLeft, 2);
    });

    it("of many concurrent claims on a paste with 3 views left, exactly 3 get the content", async () => {
      const p = paste({ maxViews: 3 });
      await t.store.pastes.insertPaste(p);
      const won = served(await Promise.all(claims(p.id, 24)));
      assert.deepEqual(won.map((v) => v.viewsLeft).sort(), [0, 1, 2]);
      for (const v of won) assert.equal(bytesOf(v.content).toString(), "hello");
      assert.equal(await t.store.pastes.findPaste(p.id, 1500), undefined);
    });

    if (t.openSecond) {
      const openSecond = t.openSecond;
      it("counts views exactly across two handles on one database racing", async () => {
        const second = await openSecond(t.store);
        try {
          const p = paste({ maxViews: 3 });
          await t.store.pastes.insertPaste(p);
          const results = await Promise.all([...claims(p.id, 12), ...claims(p.id, 12, second)]);
          assert.deepEqual(
            served(results)
              .map((v) => v.viewsLeft)
              .sort(),
            [0, 1, 2],
          );
          assert.equal(await second.pastes.findPaste(p.id, 1500), undefined);
        } finally {
          await second.close();
        }
      });
    }

    it("keeps a limited chunked paste's chunks while it has views, and for the grace after its last", async () => {
      const blobId = "views".padEnd(32, "0");
      await t.store.pastes.openBlob(blobId, 5000);
      await t.store.pastes.writeChunk(blobId, 0, Buffer.from("chunked"));
      const p = paste({ content: { blobId }, size: 7, maxViews: 2 });
      await t.store.pastes.insertPaste(p);
      assert.deepEqual(await t.store.pastes.claimView(p.id, 1500, 7000), {
        content: { blobId },
        viewsLeft: 1,
      });
      await t.store.pastes.reapBlobs(6000, 100);
      assert.ok(await t.store.pastes.readChunk(blobId, 0), "held while the paste has views");
      assert.deepEqual(await t.store.pastes.claimView(p.id, 1500, 7000), {
        content: { blobId },
        viewsLeft: 0,
      });
      await t.store.pastes.reapBlobs(6999, 100);
      assert.ok(await t.store.pastes.readChunk(blobId, 0), "readable during its grace");
      await t.store.pastes.reapBlobs(7000, 100);
      assert.equal(await t.store.pastes.readChunk(blobId, 0), undefined, "reaped after it");
    });
  });

  it("moves a sliding deadline forward and never a fixed one", async () => {
    const sliding = paste({ expiresAt: 2000, idleTtl: 1000 });
    const fixed = paste({ expiresAt: 2000, idleTtl: null });
    await t.store.pastes.insertPaste(sliding);
    await t.store.pastes.insertPaste(fixed);
    await t.store.pastes.touchPaste(sliding.id, 2600);
    await t.store.pastes.touchPaste(fixed.id, 2600);
    assert.equal((await t.store.pastes.findPaste(sliding.id, 1500))?.expiresAt, 2600);
    assert.equal((await t.store.pastes.findPaste(fixed.id, 1500))?.expiresAt, 2000);
    await t.store.pastes.touchPaste(sliding.id, 2100);
    assert.equal(
      (await t.store.pastes.findPaste(sliding.id, 1500))?.expiresAt,
      2600,
      "a touch never moves a deadline back",
    );
  });

  it("deletes a paste once", async () => {
    const p = paste();
    await t.store.pastes.insertPaste(p);
    assert.equal(await t.store.pastes.deletePaste(p.id), true);
    assert.equal(await t.store.pastes.deletePaste(p.id), false);
    assert.equal(await t.store.pastes.findPaste(p.id, 1500), undefined);
  });

  it("sweeps expired pastes in batches and leaves live ones", async () => {
    const expired = Array.from({ length: 5 }, () => paste({ expiresAt: 3000 }));
    const live = paste({ expiresAt: 9000 });
    for (const p of [...expired, live]) await t.store.pastes.insertPaste(p);
    assert.equal((await t.store.pastes.deleteExpiredPastes(3000, 2)).length, 2);
    let total = 2;
    for (let deleted = -1; deleted !== 0; total += deleted)
      deleted = (await t.store.pastes.deleteExpiredPastes(3000, 2)).length;
    assert.ok(total >= 5);
    for (const p of expired) assert.equal(await t.store.pastes.findPaste(p.id, 0), undefined);
    assert.ok(await t.store.pastes.findPaste(live.id, 3000));
  });

  it("lists an owner's live pastes newest first, with paging and a total", async () => {
    const owner = "1".repeat(40);
    for (let i = 0; i < 5; i++)
      await t.store.pastes.insertPaste(paste({ owner, createdAt: 5000 + i, expiresAt: 9000 }));
    await t.store.pastes.insertPaste(paste({ owner, createdAt: 6000, expiresAt: 100 }));
    const page = await t.store.pastes.listPastes(owner, 200, 2, 1);
    assert.equal(page.total, 5, "the expired one is not counted");
    assert.deepEqual(
      page.items.map((p) => p.createdAt),
      [5003, 5002],
    );
    const all = await t.store.pastes.listPastes(null, 200, 1000, 0);
    assert.ok(all.total >= 5 && all.items.some((p) => p.owner !== owner));
  });
}

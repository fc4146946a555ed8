import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { it } from "node:test";
import type { Conformance } from "./store.suite.ts";
import type { NewUpload } from "./store.types.ts";

/** Resumable uploads: chunks appended at the stored offset only, once each, reaped when abandoned. */
export function uploadsConformance(t: Conformance): void {
  const upload = (overrides: Partial<NewUpload> = {}): NewUpload => ({
    id: randomBytes(8).toString("hex"),
    owner: null,
    blobId: randomBytes(16).toString("hex"),
    length: 10,
    options: "{}",
    createdAt: 1000,
    expiresAt: 2000,
    ...overrides,
  });
  const bytes = (text: string) => Buffer.from(text);

  it("appends chunks at the stored offset only, and never past the length", async () => {
    const u = upload();
    await t.store.uploads.createUpload(u);
    assert.equal(await t.store.uploads.appendChunk(u.id, 0, bytes("hello"), 2100), true);
    assert.equal(await t.store.uploads.appendChunk(u.id, 0, bytes("again"), 2100), false, "offset moved on");
    assert.equal(
      await t.store.uploads.appendChunk(u.id, 5, bytes("toolong"), 2100),
      false,
      "past the length",
    );
    assert.equal(await t.store.uploads.appendChunk(u.id, 5, bytes("world"), 2200), true);
    const found = await t.store.uploads.findUpload(u.id, 1500);
    assert.deepEqual(
      { received: found?.received, chunks: found?.chunks, expiresAt: found?.expiresAt },
      { received: 10, chunks: 2, expiresAt: 2200 },
    );
    assert.deepEqual(Buffer.from((await t.store.pastes.readChunk(u.blobId, 0)) ?? []), bytes("hello"));
    assert.deepEqual(Buffer.from((await t.store.pastes.readChunk(u.blobId, 1)) ?? []), bytes("world"));
    assert.equal(await t.store.uploads.findUpload(u.id, 2200), undefined, "expired");
  });

  it("lets one of two racing appends at the same offset win, on two handles", async (ctx) => {
    if (!t.openSecond) return ctx.skip("one handle only");
    const second = await t.openSecond(t.store);
    try {
      const u = upload({ length: 100 });
      await t.store.uploads.createUpload(u);
      const results = await Promise.all([
        t.store.uploads.appendChunk(u.id, 0, bytes("first"), 2100),
        second.uploads.appendChunk(u.id, 0, bytes("other"), 2100),
      ]);
      assert.deepEqual(results.filter(Boolean).length, 1);
      assert.equal((await t.store.uploads.findUpload(u.id, 1500))?.received, 5);
    } finally {
      await second.close();
    }
  });

  it("a deleted upload takes its blob and chunks with it; a completed one leaves them to the paste", async () => {
    const u = upload();
    await t.store.uploads.createUpload(u);
    await t.store.uploads.appendChunk(u.id, 0, bytes("hello"), 2100);
    assert.equal(await t.store.uploads.deleteUpload(u.id), true);
    assert.equal(await t.store.pastes.readChunk(u.blobId, 0), undefined);
    assert.equal(await t.store.uploads.deleteUpload(u.id), false);

    const done = upload({ length: 5 });
    await t.store.uploads.createUpload(done);
    await t.store.uploads.appendChunk(done.id, 0, bytes("hello"), 2100);
    const paste = t.paste({
      id: randomBytes(6).toString("hex"),
      size: 5,
      content: { blobId: done.blobId },
      expiresAt: 9000,
    });
    assert.equal(await t.store.pastes.insertPaste(paste), true, "the paste claims the blob");
    await t.store.uploads.markComplete(done.id, paste.id);
    assert.equal((await t.store.uploads.findUpload(done.id, 1500))?.pasteId, paste.id);
    assert.ok((await t.store.uploads.deleteExpiredUploads(3000, 100)) >= 1);
    assert.deepEqual(Buffer.from((await t.store.pastes.readChunk(done.blobId, 0)) ?? []), bytes("hello"));
  });

  it("an abandoned upload is reaped with its blob, leaving nothing", async () => {
    const u = upload({ expiresAt: 1100 });
    await t.store.uploads.createUpload(u);
    await t.store.uploads.appendChunk(u.id, 0, bytes("hello"), 1200);
    while ((await t.store.pastes.reapBlobs(1300, 100)) > 0);
    assert.equal(await t.store.uploads.findUpload(u.id, 0), undefined);
    assert.equal(await t.store.pastes.readChunk(u.blobId, 0), undefined);
  });
}

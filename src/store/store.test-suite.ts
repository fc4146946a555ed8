import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import {
  BlobGone,
  ImageChanged,
  type ImagePart,
  type ImageRecord,
  isChunked,
  type NewPaste,
  type Store,
  type StoredContent,
  type UserRecord,
} from "./store.types.ts";

function bytesOf(content: StoredContent | undefined): Buffer {
  if (content === undefined) return Buffer.alloc(0);
  if (isChunked(content)) throw new Error("expected inline content");
  return Buffer.from(content);
}

/** Rows as a release before chunked images (schema version 7) stored them, content in the row. */
export interface LegacySeed {
  readonly users: readonly UserRecord[];
  readonly images: readonly ImageRecord[];
}

/**
 * The conformance suite every Store backend must pass, unchanged. `open` returns a fresh, empty
 * store; `openSecond`, when given, a second handle on the same database (another process's view);
 * `openLegacy`, a store opened on a new database that schema version 7 left holding `seed`.
 */
export function runStoreConformance(
  backend: string,
  open: () => Promise<Store>,
  openSecond?: (first: Store) => Promise<Store>,
  openLegacy?: (seed: LegacySeed) => Promise<Store>,
): void {
  describe(`${backend} store conformance`, () => {
    let store: Store;
    let n = 0;
    const paste = (overrides: Partial<NewPaste> = {}): NewPaste => ({
      id: `${(++n).toString(16).padStart(12, "0")}`,
      owner: null,
      mimeType: "text/plain",
      size: 5,
      createdAt: 1000,
      expiresAt: 2000,
      idleTtl: 1000,
      burnAfterRead: false,
      passwordHash: null,
      content: Buffer.from("hello"),
      ...overrides,
    });

    before(async () => {
      store = await open();
    });
    after(async () => {
      await store.close();
    });

    it("stores a paste and reads back its metadata and content byte for byte", async () => {
      const content = Buffer.from([0, 1, 2, 255, 254, 0]);
      const p = paste({ content, size: content.length, owner: "f".repeat(40), passwordHash: "h" });
      assert.equal(await store.insertPaste(p), true);
      const { content: _c, ...meta } = p;
      assert.deepEqual(await store.findPaste(p.id, 1500), meta);
      assert.deepEqual(bytesOf(await store.readContent(p.id, 1500)), content);
    });

    it("refuses a second paste with a taken id, leaving the first intact", async () => {
      const p = paste();
      assert.equal(await store.insertPaste(p), true);
      assert.equal(await store.insertPaste({ ...p, content: Buffer.from("other") }), false);
      assert.equal(bytesOf(await store.readContent(p.id, 1500)).toString(), "hello");
    });

    it("treats a paste as gone from the second its deadline arrives", async () => {
      const p = paste({ expiresAt: 2000 });
      await store.insertPaste(p);
      assert.ok(await store.findPaste(p.id, 1999));
      assert.equal(await store.findPaste(p.id, 2000), undefined);
      assert.equal(await store.readPaste(p.id, 2000), undefined);
      assert.equal(await store.readContent(p.id, 2000), undefined);
      assert.equal(await store.burnPaste(p.id, 2000, 9000), undefined);
    });

    it("reads an open paste's content in the same round trip, and withholds a guarded one's", async () => {
      const open = paste();
      const burn = paste({ burnAfterRead: true });
      const locked = paste({ passwordHash: "x" });
      for (const p of [open, burn, locked]) await store.insertPaste(p);
      assert.equal(bytesOf((await store.readPaste(open.id, 1500))?.content).toString(), "hello");
      assert.equal((await store.readPaste(burn.id, 1500))?.content, undefined);
      assert.equal((await store.readPaste(locked.id, 1500))?.content, undefined);
    });

    describe("chunked content", () => {
      let b = 0;
      const newBlob = async (chunks: string[], reapAfter = 5000) => {
        const blobId = `blob${++b}`.padEnd(32, "0");
        await store.openBlob(blobId, reapAfter);
        for (const [seq, c] of chunks.entries()) await store.writeChunk(blobId, seq, Buffer.from(c));
        return blobId;
      };
      const readAll = async (blobId: string) => {
        const parts: Buffer[] = [];
        for (let seq = 0; ; seq++) {
          const chunk = await store.readChunk(blobId, seq);
          if (!chunk) return Buffer.concat(parts).toString();
          parts.push(Buffer.from(chunk));
        }
      };

      it("stores chunks in order and serves a paste that refers to them", async () => {
        const blobId = await newBlob(["abc", "def", "g"]);
        const p = paste({ content: { blobId }, size: 7 });
        assert.equal(await store.insertPaste(p), true);
        assert.deepEqual((await store.readPaste(p.id, 1500))?.content, { blobId });
        assert.deepEqual(await store.readContent(p.id, 1500), { blobId });
        assert.equal(await readAll(blobId), "abcdefg");
        assert.equal(await store.reapBlobs(99_999, 100), 0, "a claimed blob is never reaped");
        assert.equal(await readAll(blobId), "abcdefg");
      });

      it("reaps an unclaimed upload only once its time is up", async () => {
        const blobId = await newBlob(["abandoned"], 3000);
        assert.equal(await store.reapBlobs(2999, 100), 0);
        assert.equal(await store.reapBlobs(3000, 100), 1);
        assert.equal(await store.readChunk(blobId, 0), undefined);
        await assert.rejects(store.insertPaste(paste({ content: { blobId }, size: 9 })), BlobGone);
      });

      it("refuses a taken id without claiming the blob", async () => {
        const taken = paste();
        await store.insertPaste(taken);
        const blobId = await newBlob(["x"], 3000);
        assert.equal(await store.insertPaste({ ...taken, content: { blobId }, size: 1 }), false);
        assert.equal(await store.reapBlobs(3000, 100), 1, "still unclaimed");
      });

      it("deletes a deleted paste's chunks at once, and an expired one's at the next reap", async () => {
        const deleted = await newBlob(["gone"]);
        const d = paste({ content: { blobId: deleted }, size: 4 });
        await store.insertPaste(d);
        assert.equal(await store.deletePaste(d.id), true);
        assert.equal(await store.readChunk(deleted, 0), undefined);

        const expiring = await newBlob(["old"]);
        const e = paste({ content: { blobId: expiring }, size: 3, expiresAt: 10 });
        await store.insertPaste(e);
        assert.equal(await store.deleteExpiredPastes(20, 100), 1);
        assert.ok(await store.readChunk(expiring, 0), "until the reap");
        assert.equal(await store.reapBlobs(20, 100), 1);
        assert.equal(await store.readChunk(expiring, 0), undefined);
      });

      it("burns a chunked paste once and keeps its chunks for that one download", async () => {
        const blobId = await newBlob(["secret", "!"]);
        const p = paste({ content: { blobId }, size: 7, burnAfterRead: true });
        await store.insertPaste(p);
        const results = await Promise.all([1, 2, 3].map(() => store.burnPaste(p.id, 1500, 4000)));
        assert.deepEqual(
          results.filter((r) => r !== undefined),
          [{ blobId }],
        );
        assert.equal(await store.reapBlobs(3999, 100), 0, "readable during its grace");
        assert.equal(await readAll(blobId), "secret!");
        await store.dropBlob(blobId);
        assert.equal(await store.readChunk(blobId, 0), undefined);
      });
    });

    it("burns a paste once: the first caller gets the content, the next nothing", async () => {
      const p = paste({ burnAfterRead: true });
      await store.insertPaste(p);
      const results = await Promise.all(Array.from({ length: 10 }, () => store.burnPaste(p.id, 1500, 9000)));
      assert.equal(results.filter((r) => r !== undefined).length, 1);
      assert.equal(await store.findPaste(p.id, 1500), undefined);
    });

    it("moves a sliding deadline forward and never a fixed one", async () => {
      const sliding = paste({ expiresAt: 2000, idleTtl: 1000 });
      const fixed = paste({ expiresAt: 2000, idleTtl: null });
      await store.insertPaste(sliding);
      await store.insertPaste(fixed);
      await store.touchPaste(sliding.id, 2600);
      await store.touchPaste(fixed.id, 2600);
      assert.equal((await store.findPaste(sliding.id, 1500))?.expiresAt, 2600);
      assert.equal((await store.findPaste(fixed.id, 1500))?.expiresAt, 2000);
      await store.touchPaste(sliding.id, 2100);
      assert.equal(
        (await store.findPaste(sliding.id, 1500))?.expiresAt,
        2600,
        "a touch never moves a deadline back",
      );
    });

    it("deletes a paste once", async () => {
      const p = paste();
      await store.insertPaste(p);
      assert.equal(await store.deletePaste(p.id), true);
      assert.equal(await store.deletePaste(p.id), false);
      assert.equal(await store.findPaste(p.id, 1500), undefined);
    });

    it("sweeps expired pastes in batches and leaves live ones", async () => {
      const expired = Array.from({ length: 5 }, () => paste({ expiresAt: 3000 }));
      const live = paste({ expiresAt: 9000 });
      for (const p of [...expired, live]) await store.insertPaste(p);
      assert.equal(await store.deleteExpiredPastes(3000, 2), 2);
      let total = 2;
      for (let deleted = -1; deleted !== 0; total += deleted)
        deleted = await store.deleteExpiredPastes(3000, 2);
      assert.ok(total >= 5);
      for (const p of expired) assert.equal(await store.findPaste(p.id, 0), undefined);
      assert.ok(await store.findPaste(live.id, 3000));
    });

    it("keeps the first candidate of a secret, whoever asks later", async () => {
      assert.equal(await store.getOrCreateSecret("pow", "first", 1), "first");
      assert.equal(await store.getOrCreateSecret("pow", "second", 2), "first");
      assert.equal(await store.getOrCreateSecret("other", "x", 2), "x");
    });

    it("accepts a nonce once", async () => {
      assert.equal(await store.consumeNonce("n1", 100), true);
      assert.equal(await store.consumeNonce("n1", 100), false);
      assert.equal(await store.consumeNonce("n2", 100), true);
    });

    it("counts events per key in fixed windows, starting again in a new window", async () => {
      assert.equal(await store.readCounter("ip:1", 60), 0);
      assert.equal(await store.incrementCounter("ip:1", 60, 120), 1);
      assert.equal(await store.incrementCounter("ip:1", 60, 120), 2);
      assert.equal(await store.incrementCounter("ip:2", 60, 120), 1);
      assert.equal(await store.readCounter("ip:1", 60), 2);
      assert.equal(await store.incrementCounter("ip:1", 120, 180), 1);
      assert.equal(await store.readCounter("ip:1", 60), 0, "the old window is over");
      const many = await Promise.all(
        Array.from({ length: 20 }, () => store.incrementCounter("burst", 0, 60)),
      );
      assert.deepEqual(
        [...many].sort((a, b) => a - b),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });

    it("updates shared state read-modify-write", async () => {
      assert.equal(await store.readState("flood"), undefined);
      await Promise.all(
        Array.from({ length: 10 }, () =>
          store.updateState<{ n: number }>("flood", (s) => ({ n: (s?.n ?? 0) + 1 })),
        ),
      );
      assert.deepEqual(await store.readState("flood"), { n: 10 });
    });

    it("sweeps used nonces and ended counters once they expire", async () => {
      await store.consumeNonce("old", 50);
      await store.consumeNonce("new", 500);
      await store.incrementCounter("old-counter", 0, 50);
      assert.ok((await store.deleteExpiredEphemera(100, 100)) >= 2);
      assert.equal(await store.consumeNonce("old", 50), true, "an expired nonce was swept");
      assert.equal(await store.consumeNonce("new", 500), false);
      assert.equal(await store.readCounter("old-counter", 0), 0);
    });

    it("lists an owner's live pastes newest first, with paging and a total", async () => {
      const owner = "1".repeat(40);
      for (let i = 0; i < 5; i++)
        await store.insertPaste(paste({ owner, createdAt: 5000 + i, expiresAt: 9000 }));
      await store.insertPaste(paste({ owner, createdAt: 6000, expiresAt: 100 }));
      const page = await store.listPastes(owner, 200, 2, 1);
      assert.equal(page.total, 5, "the expired one is not counted");
      assert.deepEqual(
        page.items.map((p) => p.createdAt),
        [5003, 5002],
      );
      const all = await store.listPastes(null, 200, 1000, 0);
      assert.ok(all.total >= 5 && all.items.some((p) => p.owner !== owner));
    });

    it("keeps one CA", async () => {
      const ca = {
        commonName: "CA",
        certificatePem: "pem",
        encryptedKey: "{}",
        fingerprint: "f".repeat(40),
        createdAt: 1,
        expiresAt: 2,
      };
      assert.equal(await store.getCa(), undefined);
      assert.equal(await store.insertCa(ca), true);
      assert.equal(await store.insertCa({ ...ca, commonName: "other" }), false);
      assert.deepEqual(await store.getCa(), ca);
    });

    it("makes exactly one first registrant admin, and revokes a certificate once", async () => {
      const cert = (i: number) => ({
        serial: i.toString(16).padStart(32, "0"),
        commonName: `user${i}`,
        fingerprint: i.toString(16).padStart(40, "a"),
        createdAt: 100 + i,
        expiresAt: 1000,
        issuedTo: i === 3 ? "1".toString().padStart(40, "a") : null,
      });
      const results = await Promise.all([1, 2].map((i) => store.insertCertificate(cert(i), true)));
      assert.equal(results.filter((c) => c.isAdmin).length, 1);
      assert.equal((await store.insertCertificate(cert(3), false)).isAdmin, false);
      assert.equal((await store.findCertificateByFingerprint(cert(2).fingerprint))?.commonName, "user2");
      assert.equal((await store.findCertificateBySerial(cert(1).serial))?.status, "valid");
      assert.deepEqual(
        (await store.listCertificates(cert(1).fingerprint)).map((c) => c.commonName),
        ["user3", "user1"],
      );
      assert.equal((await store.listCertificates(null)).length, 3);
      assert.equal(await store.revokeCertificate(cert(1).serial, 500), true);
      assert.equal(await store.revokeCertificate(cert(1).serial, 501), false);
      const revoked = await store.findCertificateBySerial(cert(1).serial);
      assert.equal(revoked?.status, "revoked");
      assert.equal(revoked?.revokedAt, 500);
    });

    it("appends audit events and lists them newest first", async () => {
      await store.appendAudit({ at: 1, event: "CA_CREATED", actor: null, detail: { common_name: "CA" } });
      await store.appendAudit({
        at: 2,
        event: "CERT_ISSUED",
        actor: "a".repeat(40),
        detail: { serial: "01" },
      });
      const page = await store.listAudit(10, 0);
      assert.equal(page.total, 2);
      assert.deepEqual(
        page.items.map((e) => [e.event, e.detail]),
        [
          ["CERT_ISSUED", { serial: "01" }],
          ["CA_CREATED", { common_name: "CA" }],
        ],
      );
    });

    it("stores short URLs: unique ids, expiry, owner lists, batched clicks, delete and sweep", async () => {
      const owner = "c".repeat(40);
      const base = { target: "https://example.com/a", owner, createdAt: 1000, expiresAt: null };
      assert.equal(await store.insertShortUrl({ ...base, id: "AbCd1234" }), true);
      assert.equal(await store.insertShortUrl({ ...base, id: "AbCd1234", target: "https://x.org/" }), false);
      assert.equal(
        await store.insertShortUrl({ ...base, id: "abcd1234", createdAt: 1001 }),
        true,
        "ids are case-sensitive",
      );
      assert.equal(
        await store.insertShortUrl({ ...base, id: "Expiring", owner: null, expiresAt: 1500 }),
        true,
      );
      const found = await store.findShortUrl("AbCd1234", 5000);
      assert.deepEqual(found, { ...base, id: "AbCd1234", clicks: 0 });
      assert.ok(await store.findShortUrl("Expiring", 1499));
      assert.equal(await store.findShortUrl("Expiring", 1500), undefined);

      await store.addClicks(
        new Map([
          ["AbCd1234", 3],
          ["abcd1234", 1],
          ["missing1", 9],
        ]),
      );
      await store.addClicks(new Map([["AbCd1234", 2]]));
      assert.equal((await store.findShortUrl("AbCd1234", 0))?.clicks, 5);

      const page = await store.listShortUrls(owner, 1000, 1, 0);
      assert.equal(page.total, 2);
      assert.deepEqual(
        page.items.map((u) => u.id),
        ["abcd1234"],
        "newest first",
      );
      assert.equal((await store.listShortUrls(null, 1000, 10, 0)).total, 3);

      assert.equal(await store.deleteExpiredShortUrls(1500, 100), 1);
      assert.equal(await store.deleteShortUrl("AbCd1234"), true);
      assert.equal(await store.deleteShortUrl("AbCd1234"), false);
    });

    it("keeps function-API clients: one secret hash per key, replaced, removed, purged", async () => {
      const a = { publicKey: `${"A".repeat(43)}=`, secretHash: "1".repeat(64), createdAt: 10 };
      const b = { publicKey: `${"B".repeat(43)}=`, secretHash: "2".repeat(64), createdAt: 11 };
      await store.putFunctionClient(a);
      await store.putFunctionClient(b);
      await store.putFunctionClient({ ...a, secretHash: "3".repeat(64), createdAt: 12 });
      assert.deepEqual(await store.listFunctionClients(), [
        b,
        { ...a, secretHash: "3".repeat(64), createdAt: 12 },
      ]);
      assert.equal(await store.removeFunctionClient(b.publicKey), true);
      assert.equal(await store.removeFunctionClient(b.publicKey), false);
      assert.equal(await store.purgeFunctionClients(), 1);
      assert.deepEqual(await store.listFunctionClients(), []);
    });

    it("keeps accounts with case-insensitive unique usernames, images unique per owner by stem, and grants", async () => {
      const user = (id: string, username: string) => ({
        id,
        username,
        passwordHash: "h",
        publicKey: "k",
        createdAt: 5,
      });
      assert.equal(await store.insertUser(user("a".repeat(24), "Alice")), true);
      assert.equal(await store.insertUser(user("b".repeat(24), "alice")), false);
      assert.equal(await store.insertUser(user("c".repeat(24), "carol")), true);
      assert.equal((await store.findUserByName("ALICE"))?.id, "a".repeat(24));
      assert.equal((await store.findUserById("c".repeat(24)))?.username, "carol");
      assert.equal((await store.listUsers()).length, 2);

      const image = {
        id: "img1",
        ownerId: "a".repeat(24),
        name: "cat.png",
        stem: "cat",
        mimeType: "image/png",
        size: 3,
        content: Buffer.from([0, 255, 1]),
        quotient: "1 2 3",
        createdAt: 6,
      };
      assert.equal(await store.insertImage(image), true);
      assert.equal(await store.insertImage({ ...image, id: "img2", name: "cat.jpg" }), false, "same stem");
      assert.equal(
        await store.insertImage({ ...image, id: "img3", ownerId: "c".repeat(24) }),
        true,
        "other owner",
      );
      const found = await store.findImage("a".repeat(24), "cat");
      assert.deepEqual(Buffer.from(found?.content ?? []), Buffer.from([0, 255, 1]));
      assert.equal(found?.quotient, "1 2 3");
      assert.deepEqual(
        (await store.listImages("a".repeat(24))).map((i) => [i.name, "content" in i]),
        [["cat.png", false]],
      );
      assert.equal(await store.countImages("a".repeat(24)), 1);
      assert.equal(
        await store.replaceImage("img1", { content: Buffer.from([9]), mimeType: "image/gif", quotient: "" }),
        true,
      );
      assert.equal((await store.findImage("a".repeat(24), "cat"))?.size, 1);

      assert.equal(await store.insertPermission("img1", { userId: "c".repeat(24), role: "read" }), true);
      assert.equal(await store.insertPermission("img1", { userId: "c".repeat(24), role: "write" }), false);
      assert.equal(await store.updatePermission("img1", { userId: "c".repeat(24), role: "write" }), true);
      assert.deepEqual(await store.findPermission("img1", "c".repeat(24)), {
        userId: "c".repeat(24),
        role: "write",
      });
      assert.deepEqual(await store.listPermissions("img1"), [{ userId: "c".repeat(24), role: "write" }]);
      assert.equal(await store.deleteImage("img1"), true);
      assert.deepEqual(await store.listPermissions("img1"), [], "grants go with the image");
      assert.equal(await store.deletePermission("img1", "c".repeat(24)), false);
    });

    let owners = 0;
    /** A fresh account and its images, inserted in order. */
    const account = async (images: { content: Buffer; quotient: string }[], createdAt = 7) => {
      const ownerId = (++owners).toString(16).padStart(24, "e");
      await store.insertUser({
        id: ownerId,
        username: `streamer${owners}`,
        passwordHash: "h",
        publicKey: "k",
        createdAt,
      });
      const records: ImageRecord[] = images.map((i, n) => ({
        id: `${ownerId}-${n}`,
        ownerId,
        name: `img${n}.png`,
        stem: `img${n}`,
        mimeType: "image/png",
        size: i.content.length,
        createdAt,
        ...i,
      }));
      for (const r of records) assert.equal(await store.insertImage(r), true);
      return { ownerId, records };
    };
    /** The parts put back together: per image, its name, bytes, quotient and the pieces' sizes. */
    const collect = async (parts: AsyncIterable<ImagePart>) => {
      const out: { name: string; content: Buffer; quotient: string; pieces: number[] }[] = [];
      let bytes: Buffer[] = [];
      const close = () => {
        const current = out.at(-1);
        if (current) current.content = Buffer.concat(bytes);
        bytes = [];
      };
      for await (const part of parts) {
        if (part.kind === "image") {
          close();
          out.push({ name: part.image.name, content: Buffer.alloc(0), quotient: "", pieces: [] });
          continue;
        }
        const current = out.at(-1);
        assert.ok(current, "an image's metadata comes before its pieces");
        if (part.kind === "content") {
          assert.equal(current.quotient, "", "bytes before quotient");
          bytes.push(Buffer.from(part.bytes));
          current.pieces.push(part.bytes.length);
        } else {
          current.quotient += part.text;
        }
      }
      close();
      return out;
    };

    describe("images larger than a chunk", () => {
      const MIB = 1024 * 1024;
      /** Random bytes, and a quotient whose UTF-8 passes 1 MiB with a 4-byte character across that mark. */
      const large = (bytes: number) => ({
        content: Buffer.concat([Buffer.from([0x89, 0x50]), randomBytes(bytes - 2)]),
        quotient: `${"é".repeat(MIB / 2 - 1)}x😀${"7 ".repeat(1000)}`,
      });
      /** What findImage and streamImages (in the backend's pieces and in small ones) give back. */
      const readBack = async (ownerId: string, stem: string) => {
        const found = await store.findImage(ownerId, stem);
        const streamed = (await collect(store.streamImages(ownerId))).find((i) => i.name === `${stem}.png`);
        const small = (await collect(store.streamImages(ownerId, 100_000))).find(
          (i) => i.name === `${stem}.png`,
        );
        assert.ok(
          small?.pieces.every((n) => n > 0 && n <= 100_000),
          "pieces of at most pieceBytes",
        );
        return { found, streamed, small };
      };
      const assertImage = async (
        ownerId: string,
        stem: string,
        expected: { content: Buffer; quotient: string },
      ) => {
        const { found, streamed, small } = await readBack(ownerId, stem);
        assert.ok(found && streamed && small, `${stem} is there`);
        assert.equal(found.size, expected.content.length);
        for (const [how, got] of [
          ["findImage", { content: Buffer.from(found.content), quotient: found.quotient }],
          ["streamImages", streamed],
          ["streamImages in small pieces", small],
        ] as const) {
          assert.ok(got.content.equals(expected.content), `${how}: the bytes, byte for byte`);
          assert.equal(got.quotient, expected.quotient, `${how}: the quotient`);
        }
      };

      it("stores an image and its quotient over several chunks and reads them back byte for byte", async () => {
        const image = large(2 * MIB + 12_345);
        assert.ok(Buffer.byteLength(image.quotient) > MIB);
        const { ownerId } = await account([image, { content: Buffer.from([1, 2, 3]), quotient: "" }]);
        await assertImage(ownerId, "img0", image);
        await assertImage(ownerId, "img1", { content: Buffer.from([1, 2, 3]), quotient: "" });
        const exact = { content: randomBytes(MIB), quotient: "q" };
        const { ownerId: other } = await account([exact]);
        await assertImage(other, "img0", exact);
      });

      it("replaces an image over several chunks by a smaller and then a larger one, nothing of the old left", async () => {
        const { ownerId, records } = await account([large(3 * MIB)]);
        const id = records[0]?.id ?? "";
        const small = { content: Buffer.from("tiny"), quotient: "" };
        assert.equal(await store.replaceImage(id, { ...small, mimeType: "image/gif" }), true);
        await assertImage(ownerId, "img0", small);
        assert.equal((await store.findImage(ownerId, "img0"))?.mimeType, "image/gif");
        const larger = large(2 * MIB + 1);
        assert.equal(await store.replaceImage(id, { ...larger, mimeType: "image/png" }), true);
        await assertImage(ownerId, "img0", larger);
        assert.equal(
          await store.replaceImage("missing", { ...small, mimeType: "image/png" }),
          false,
          "a missing image is not replaced",
        );
      });

      it("deletes an image's chunks with it", async () => {
        const { ownerId, records } = await account([large(2 * MIB)]);
        const record = records[0] as ImageRecord;
        assert.equal(await store.deleteImage(record.id), true);
        assert.equal(await store.findImage(ownerId, "img0"), undefined);
        assert.deepEqual(await collect(store.streamImages(ownerId)), []);
        // The same id again: a chunk left behind would clash with, or show through, the new ones.
        const again = { content: Buffer.from("again"), quotient: "" };
        assert.equal(await store.insertImage({ ...record, ...again, size: again.content.length }), true);
        await assertImage(ownerId, "img0", again);
      });
    });

    describe("streaming an account's images out (download-all)", () => {
      it("yields every image oldest first, one at a time, its bytes and quotient in bounded pieces", async () => {
        const images = [
          { content: Buffer.from([0, 255, 1, 2, 3, 4, 5, 6, 7, 128]), quotient: "98 98 77 😀 é" },
          { content: Buffer.from("exactly8"), quotient: "" },
          { content: Buffer.from([0]), quotient: "x".repeat(9) },
        ];
        const { ownerId } = await account(images);
        await account([{ content: Buffer.from("someone else's"), quotient: "q" }]);
        const got = await collect(store.streamImages(ownerId, 4));
        assert.deepEqual(
          got.map((i) => i.name),
          ["img0.png", "img1.png", "img2.png"],
        );
        for (const [n, image] of got.entries()) {
          assert.deepEqual(image.content, images[n]?.content, image.name);
          assert.equal(image.quotient, images[n]?.quotient, image.name);
          assert.ok(
            image.pieces.every((size) => size > 0 && size <= 4),
            `${image.name}: pieces ${image.pieces}`,
          );
        }
        assert.deepEqual(got[0]?.pieces, [4, 4, 2]);
        assert.deepEqual(await collect(store.streamImages("f".repeat(24))), [], "no images, no parts");
      });

      it("pages through a collection larger than one listing, in upload order", async () => {
        const images = Array.from({ length: 205 }, (_, n) => ({
          content: Buffer.from([n % 256]),
          quotient: String(n),
        }));
        const { ownerId } = await account(images);
        const got = await collect(store.streamImages(ownerId));
        assert.deepEqual(
          got.map((i) => i.quotient),
          images.map((i) => i.quotient),
        );
      });

      it("never mixes two versions of an image replaced while it streams", async () => {
        const before = Buffer.from("AAAABBBBCCCC");
        const { ownerId, records } = await account([{ content: before, quotient: "old" }]);
        const parts = store.streamImages(ownerId, 4);
        const first = await parts.next();
        assert.equal(first.value?.kind, "image");
        const piece = await parts.next();
        assert.equal(piece.value?.kind, "content");
        const replacement = Buffer.from("xxxxyyyyzzzz");
        await store.replaceImage(records[0]?.id ?? "", {
          content: replacement,
          mimeType: "image/png",
          quotient: "new",
        });
        let rest: Awaited<ReturnType<typeof collect>> | undefined;
        try {
          rest = await collect(
            (async function* () {
              yield first.value as ImagePart;
              yield piece.value as ImagePart;
              yield* parts;
            })(),
          );
        } catch (err) {
          assert.ok(err instanceof ImageChanged, String(err));
        }
        if (rest) {
          assert.deepEqual(
            rest.map((i) => [i.content.toString(), i.quotient]),
            [[before.toString(), "old"]],
            "read as it was when its reading began",
          );
        }
        const again = await collect(store.streamImages(ownerId, 4));
        assert.deepEqual(
          again.map((i) => [i.content.toString(), i.quotient]),
          [[replacement.toString(), "new"]],
        );
      });

      it("leaves out an image deleted before its turn, and stops reading when the caller stops", async () => {
        const { ownerId, records } = await account([
          { content: Buffer.from("first"), quotient: "1" },
          { content: Buffer.from("second"), quotient: "2" },
          { content: Buffer.from("third"), quotient: "3" },
        ]);
        const parts = store.streamImages(ownerId, 4);
        assert.equal((await parts.next()).value?.kind, "image");
        assert.equal(await store.deleteImage(records[1]?.id ?? ""), true);
        const rest: ImagePart[] = [];
        for await (const part of parts) rest.push(part);
        assert.deepEqual(
          rest.filter((p) => p.kind === "image").map((p) => p.image.name),
          ["img2.png"],
        );

        const stopped = store.streamImages(ownerId, 1);
        assert.equal((await stopped.next()).value?.kind, "image");
        assert.equal((await stopped.next()).value?.kind, "content");
        assert.deepEqual(await stopped.return(undefined), { done: true, value: undefined });
        assert.deepEqual(await stopped.next(), { done: true, value: undefined }, "nothing more is read");
        // What the stopped stream held (a snapshot, a connection) is gone: writers go on.
        assert.equal(await store.deleteImage(records[0]?.id ?? ""), true);
        assert.deepEqual(
          (await collect(store.streamImages(ownerId))).map((i) => i.name),
          ["img2.png"],
        );
      });
    });

    if (openLegacy) {
      it("moves the images a release before chunked images stored into chunks, each intact", async () => {
        const MIB = 1024 * 1024;
        const ownerId = "d".repeat(24);
        const users = [{ id: ownerId, username: "legacy", passwordHash: "h", publicKey: "k", createdAt: 1 }];
        const images = [
          { content: randomBytes(2 * MIB + 7), quotient: `${"ü".repeat(MIB / 2 - 1)}x😀 1 2 3` },
          // Compressible: PostgreSQL stored it compressed.
          { content: Buffer.alloc(MIB + MIB / 2, 0x42), quotient: "" },
          { content: Buffer.from([0, 255]), quotient: "98 98 77" },
        ].map(
          (i, n): ImageRecord => ({
            id: `legacy${n}`,
            ownerId,
            name: `old${n}.png`,
            stem: `old${n}`,
            mimeType: "image/png",
            size: i.content.length,
            createdAt: 10 + n,
            ...i,
          }),
        );
        const migrated = await openLegacy({ users, images });
        try {
          for (const image of images) {
            const found = await migrated.findImage(ownerId, image.stem);
            assert.ok(found && Buffer.from(found.content).equals(image.content), `${image.name}: its bytes`);
            assert.equal(found.quotient, image.quotient, `${image.name}: its quotient`);
          }
          const streamed = await collect(migrated.streamImages(ownerId, 100_000));
          assert.deepEqual(
            streamed.map((i) => [
              i.name,
              i.content.equals(images.find((m) => m.name === i.name)?.content ?? Buffer.alloc(0)),
              i.quotient,
            ]),
            images.map((i) => [i.name, true, i.quotient]),
          );
          // And they are images like any other: replaced and deleted, chunks and all.
          assert.equal(
            await migrated.replaceImage("legacy0", {
              content: Buffer.from("new"),
              mimeType: "image/png",
              quotient: "",
            }),
            true,
          );
          assert.equal(
            Buffer.from((await migrated.findImage(ownerId, "old0"))?.content ?? []).toString(),
            "new",
          );
          assert.equal(await migrated.deleteImage("legacy1"), true);
          assert.deepEqual(
            (await migrated.listImages(ownerId)).map((i) => [i.name, i.size]),
            [
              ["old0.png", 3],
              ["old2.png", 2],
            ],
          );
        } finally {
          await migrated.close();
        }
      });
    }

    it("reports its size on disk", async () => {
      assert.ok((await store.sizeBytes()) > 0);
    });

    it("answers a ping while open", async () => {
      await store.ping();
    });

    if (openSecond) {
      it("shares every paste, burn and sweep with a second handle on the same database", async () => {
        const second = await openSecond(store);
        try {
          const p = paste({ burnAfterRead: true });
          await store.insertPaste(p);
          assert.ok(await second.findPaste(p.id, 1500));
          const [a, b] = await Promise.all([
            store.burnPaste(p.id, 1500, 9000),
            second.burnPaste(p.id, 1500, 9000),
          ]);
          assert.equal([a, b].filter((r) => r !== undefined).length, 1);
          const old = paste({ expiresAt: 10 });
          await store.insertPaste(old);
          await Promise.all([store.deleteExpiredPastes(20, 100), second.deleteExpiredPastes(20, 100)]);
          assert.equal(await store.findPaste(old.id, 0), undefined);
          assert.equal(
            await second.getOrCreateSecret("shared", "b", 1),
            await store.getOrCreateSecret("shared", "a", 1),
          );
          assert.equal(await store.consumeNonce("shared-nonce", 999), true);
          assert.equal(await second.consumeNonce("shared-nonce", 999), false);
          await store.incrementCounter("shared-counter", 0, 999);
          assert.equal(await second.incrementCounter("shared-counter", 0, 999), 2);
          await second.updateState<number>("shared-state", (n) => (n ?? 0) + 1);
          assert.equal(await store.updateState<number>("shared-state", (n) => (n ?? 0) + 1), 2);
        } finally {
          await second.close();
        }
      });
    }
  });
}

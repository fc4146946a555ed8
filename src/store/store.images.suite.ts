import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import type { Conformance } from "./store.suite.ts";
import { ImageChanged, type ImagePart, type ImageRecord } from "./store.types.ts";

/**
 * Images stored in chunks: larger than a chunk, streamed out (download-all), and moved from the rows
 * of a release before chunks.
 */
export function imagesConformance(t: Conformance): void {
  const { openLegacy } = t;
  let owners = 0;
  /** A fresh account and its images, inserted in order. */
  const account = async (images: { content: Buffer; quotient: string }[], createdAt = 7) => {
    const ownerId = (++owners).toString(16).padStart(24, "e");
    await t.store.accounts.insertUser({
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
    for (const r of records) assert.equal(await t.store.accounts.insertImage(r), true);
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
      const found = await t.store.accounts.findImage(ownerId, stem);
      const streamed = (await collect(t.store.accounts.streamImages(ownerId))).find(
        (i) => i.name === `${stem}.png`,
      );
      const small = (await collect(t.store.accounts.streamImages(ownerId, 100_000))).find(
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
      assert.equal(await t.store.accounts.replaceImage(id, { ...small, mimeType: "image/gif" }), true);
      await assertImage(ownerId, "img0", small);
      assert.equal((await t.store.accounts.findImage(ownerId, "img0"))?.mimeType, "image/gif");
      const larger = large(2 * MIB + 1);
      assert.equal(await t.store.accounts.replaceImage(id, { ...larger, mimeType: "image/png" }), true);
      await assertImage(ownerId, "img0", larger);
      assert.equal(
        await t.store.accounts.replaceImage("missing", { ...small, mimeType: "image/png" }),
        false,
        "a missing image is not replaced",
      );
    });

    it("deletes an image's chunks with it", async () => {
      const { ownerId, records } = await account([large(2 * MIB)]);
      const record = records[0] as ImageRecord;
      assert.equal(await t.store.accounts.deleteImage(record.id), true);
      assert.equal(await t.store.accounts.findImage(ownerId, "img0"), undefined);
      assert.deepEqual(await collect(t.store.accounts.streamImages(ownerId)), []);
      // The same id again: a chunk left behind would clash with, or show through, the new ones.
      const again = { content: Buffer.from("again"), quotient: "" };
      assert.equal(
        await t.store.accounts.insertImage({ ...record, ...again, size: again.content.length }),
        true,
      );
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
      const got = await collect(t.store.accounts.streamImages(ownerId, 4));
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
      assert.deepEqual(
        await collect(t.store.accounts.streamImages("f".repeat(24))),
        [],
        "no images, no parts",
      );
    });

    it("pages through a collection larger than one listing, in upload order", async () => {
      const images = Array.from({ length: 205 }, (_, n) => ({
        content: Buffer.from([n % 256]),
        quotient: String(n),
      }));
      const { ownerId } = await account(images);
      const got = await collect(t.store.accounts.streamImages(ownerId));
      assert.deepEqual(
        got.map((i) => i.quotient),
        images.map((i) => i.quotient),
      );
    });

    it("never mixes two versions of an image replaced while it streams", async () => {
      const before = Buffer.from("AAAABBBBCCCC");
      const { ownerId, records } = await account([{ content: before, quotient: "old" }]);
      const parts = t.store.accounts.streamImages(ownerId, 4);
      const first = await parts.next();
      assert.equal(first.value?.kind, "image");
      const piece = await parts.next();
      assert.equal(piece.value?.kind, "content");
      const replacement = Buffer.from("xxxxyyyyzzzz");
      await t.store.accounts.replaceImage(records[0]?.id ?? "", {
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
      const again = await collect(t.store.accounts.streamImages(ownerId, 4));
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
      const parts = t.store.accounts.streamImages(ownerId, 4);
      assert.equal((await parts.next()).value?.kind, "image");
      assert.equal(await t.store.accounts.deleteImage(records[1]?.id ?? ""), true);
      const rest: ImagePart[] = [];
      for await (const part of parts) rest.push(part);
      assert.deepEqual(
        rest.filter((p) => p.kind === "image").map((p) => p.image.name),
        ["img2.png"],
      );

      const stopped = t.store.accounts.streamImages(ownerId, 1);
      assert.equal((await stopped.next()).value?.kind, "image");
      assert.equal((await stopped.next()).value?.kind, "content");
      assert.deepEqual(await stopped.return(undefined), { done: true, value: undefined });
      assert.deepEqual(await stopped.next(), { done: true, value: undefined }, "nothing more is read");
      // What the stopped stream held (a snapshot, a connection) is gone: writers go on.
      assert.equal(await t.store.accounts.deleteImage(records[0]?.id ?? ""), true);
      assert.deepEqual(
        (await collect(t.store.accounts.streamImages(ownerId))).map((i) => i.name),
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
          const found = await migrated.accounts.findImage(ownerId, image.stem);
          assert.ok(found && Buffer.from(found.content).equals(image.content), `${image.name}: its bytes`);
          assert.equal(found.quotient, image.quotient, `${image.name}: its quotient`);
        }
        const streamed = await collect(migrated.accounts.streamImages(ownerId, 100_000));
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
          await migrated.accounts.replaceImage("legacy0", {
            content: Buffer.from("new"),
            mimeType: "image/png",
            quotient: "",
          }),
          true,
        );
        assert.equal(
          Buffer.from((await migrated.accounts.findImage(ownerId, "old0"))?.content ?? []).toString(),
          "new",
        );
        assert.equal(await migrated.accounts.deleteImage("legacy1"), true);
        assert.deepEqual(
          (await migrated.accounts.listImages(ownerId)).map((i) => [i.name, i.size]),
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
}

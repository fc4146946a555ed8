import assert from "node:assert/strict";
import { createCipheriv, createHash, hkdfSync } from "node:crypto";
import { describe, it } from "node:test";
import { toHex, utf8 } from "./bytes.ts";
import {
  isStream,
  openStream,
  openStreamAt,
  recordOffset,
  STREAM_HEADER_BYTES,
  sealedStreamSize,
  sealStream,
  streamHeadBytes,
} from "./stream-cipher.ts";
import { StreamCipherError, type StreamMetadata } from "./stream-metadata.ts";

/** Published in docs/encryption.md (version 2): key 00…1f, salt a0…af, 1 KiB records. */
const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const SALT = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const SMALL: StreamMetadata = { files: [{ name: "hello.txt", type: "text/plain", size: 14 }] };
const SMALL_HEX =
  "53424e020a00003ea0a1a2a3a4a5a6a7a8a9aaabacadaeaf621373ec11cbb45abcba5c6cdc0aebad33f0999f3f106541" +
  "348453ac18dd865d3bfeb00b479034f639e1bc1d637b086fdb6f9c957e1fea80c670e2c09e692912d51750fc4f1a11" +
  "39251901f0bf415cc12f5409f39c901fe8fcd3a13691c1cad16f77dc8bc8215fecf7f4deec";
/** 2,600 bytes (byte i is i mod 251) in two files, 1 KiB records: the stream's SHA-256. */
const MULTI: StreamMetadata = {
  files: [
    { name: "a.bin", type: "application/octet-stream", size: 1500 },
    { name: "b.bin", size: 1100 },
  ],
};
const multiContent = () => Uint8Array.from({ length: 2600 }, (_, i) => i % 251);

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of source) parts.push(p);
  return Buffer.concat(parts);
}

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

const seal = (meta: StreamMetadata, content: Uint8Array, chunk = 333) =>
  collect(sealStream(KEY, meta, chunks(content, chunk), { recordLog2: 10, salt: SALT }));

async function openAll(stream: Uint8Array, chunk = 100) {
  const opened = await openStream(KEY, chunks(stream, chunk));
  return { metadata: opened.metadata, content: await collect(opened.content) };
}

const failure = (f: string) => (err: unknown) => err instanceof StreamCipherError && err.failure === f;

/** The format written again from docs/encryption.md with node:crypto alone. */
function reference(meta: StreamMetadata, content: Uint8Array, log2: number): Buffer {
  const metaJson = Buffer.from(JSON.stringify(meta));
  const header = Buffer.concat([
    Buffer.from("SBN\x02", "latin1"),
    Buffer.from([log2, metaJson.length >> 16, (metaJson.length >> 8) & 0xff, metaJson.length & 0xff]),
    SALT,
  ]);
  const key = Buffer.from(hkdfSync("sha256", KEY, SALT, "sealbin stream v2", 32));
  const plains = [metaJson];
  for (let at = 0; at < content.length; at += 2 ** log2)
    plains.push(Buffer.from(content.subarray(at, at + 2 ** log2)));
  const out = [header];
  plains.forEach((plain, i) => {
    const nonce = Buffer.alloc(12);
    nonce.writeUInt32BE(i, 7);
    nonce[11] = i === plains.length - 1 ? 1 : 0;
    const c = createCipheriv("aes-256-gcm", key, nonce);
    c.setAAD(header);
    out.push(c.update(plain), c.final(), c.getAuthTag());
  });
  return Buffer.concat(out);
}

describe("the streaming end-to-end format (version 2)", () => {
  it("writes exactly what docs/encryption.md describes, checked with node:crypto", async () => {
    const small = await seal(SMALL, utf8("hello, stream\n"));
    assert.equal(toHex(small), toHex(reference(SMALL, utf8("hello, stream\n"), 10)));
    assert.equal(toHex(small), SMALL_HEX);
    const multi = await seal(MULTI, multiContent());
    assert.deepEqual(Buffer.from(multi), reference(MULTI, multiContent(), 10));
    assert.equal(multi.length, sealedStreamSize(2600, JSON.stringify(MULTI).length, 10));
    assert.equal(
      createHash("sha256").update(multi).digest("hex"),
      "065522432822329103ad787d345f7b655d0784cd0ac084739b54fb24ef4f590d",
    );
  });

  it("round-trips any chunking, empty content and content of whole records", async () => {
    for (const size of [0, 1, 1023, 1024, 1025, 4096, 5000]) {
      const content = Uint8Array.from({ length: size }, (_, i) => (i * 7) % 256);
      const meta = { files: [{ name: "f", size }] };
      for (const chunk of [1, 1000, 7000]) {
        const stream = await collect(sealStream(KEY, meta, chunks(content, chunk), { recordLog2: 10 }));
        assert.equal(isStream(stream), true);
        for (const readChunk of [1, 1040, 9999]) {
          const opened = await openAll(stream, readChunk);
          assert.deepEqual(opened.content, Buffer.from(content), `size ${size}`);
          assert.deepEqual(opened.metadata, { files: [{ name: "f", size }] });
        }
      }
    }
  });

  it("keeps the files' names, types and sizes, cleaned of directories and control characters", async () => {
    const meta = {
      files: [
        { name: "../../etc/passwd", size: 1 },
        { name: "re\u0007port.pdf", type: "application/pdf", size: 1 },
        { name: "x", type: "not a type", size: 0 },
      ],
    };
    const { metadata } = await openAll(await seal(meta, utf8("ab")));
    assert.deepEqual(metadata.files, [
      { name: "passwd", size: 1 },
      { name: "report.pdf", type: "application/pdf", size: 1 },
      { name: "x", size: 0 },
    ]);
  });

  it("refuses content whose length is not the files' sizes", async () => {
    await assert.rejects(seal({ files: [{ name: "f", size: 10 }] }, utf8("short")), failure("bad-metadata"));
    await assert.rejects(seal({ files: [{ name: "f", size: 1 }] }, utf8("longer")), failure("bad-metadata"));
  });

  it("detects a flipped bit in the header and in every record", async () => {
    const stream = await seal(MULTI, multiContent());
    const positions = [0, 4, 5, 8, STREAM_HEADER_BYTES + 3];
    const recordStarts = [STREAM_HEADER_BYTES + JSON.stringify(MULTI).length + 16];
    for (let r = 0; r < 3; r++) recordStarts.push((recordStarts.at(-1) ?? 0) + 1024 + 16);
    for (const start of recordStarts.slice(0, 3)) positions.push(start, start + 500, start + 1);
    positions.push(stream.length - 1);
    for (const at of positions) {
      const bad = Uint8Array.from(stream);
      bad[at] = (bad[at] ?? 0) ^ 0x10;
      await assert.rejects(openAll(bad), (err: unknown) => err instanceof StreamCipherError, `bit at ${at}`);
    }
  });

  it("detects truncation at and between record boundaries, and appended bytes", async () => {
    const stream = await seal(MULTI, multiContent());
    const metaEnd = STREAM_HEADER_BYTES + JSON.stringify(MULTI).length + 16;
    await assert.rejects(openAll(stream.subarray(0, metaEnd)), failure("truncated"));
    await assert.rejects(openAll(stream.subarray(0, metaEnd + 1040)), failure("truncated"));
    await assert.rejects(openAll(stream.subarray(0, metaEnd + 2 * 1040)), failure("truncated"));
    await assert.rejects(openAll(stream.subarray(0, stream.length - 5)), failure("not-authentic"));
    await assert.rejects(openAll(stream.subarray(0, 10)), failure("bad-header"));
    await assert.rejects(openAll(Buffer.concat([stream, Buffer.from("x")])), failure("not-authentic"));
    const whole = await seal({ files: [{ name: "f", size: 2048 }] }, new Uint8Array(2048));
    await assert.rejects(openAll(Buffer.concat([whole, new Uint8Array(1040)])), failure("trailing-data"));
  });

  it("detects records reordered, repeated or spliced from another stream", async () => {
    const stream = await seal(MULTI, multiContent());
    const metaEnd = STREAM_HEADER_BYTES + JSON.stringify(MULTI).length + 16;
    const rec = (s: Uint8Array, i: number) => s.subarray(metaEnd + i * 1040, metaEnd + (i + 1) * 1040);
    const tail = stream.subarray(metaEnd + 2 * 1040);
    const head = stream.subarray(0, metaEnd);
    await assert.rejects(
      openAll(Buffer.concat([head, rec(stream, 1), rec(stream, 0), tail])),
      failure("not-authentic"),
    );
    await assert.rejects(
      openAll(Buffer.concat([head, rec(stream, 0), rec(stream, 0), tail])),
      failure("not-authentic"),
    );
    const other = await collect(
      sealStream(KEY, MULTI, chunks(multiContent(), 500), { recordLog2: 10, salt: new Uint8Array(16) }),
    );
    await assert.rejects(
      openAll(Buffer.concat([head, rec(other, 0), rec(stream, 1), tail])),
      failure("not-authentic"),
    );
  });

  it("refuses a wrong key and a stream that is not version 2", async () => {
    const stream = await seal(SMALL, utf8("hello, stream\n"));
    const wrong = new Uint8Array(32).fill(9);
    await assert.rejects(
      (async () => collect((await openStream(wrong, chunks(stream, 64))).content))(),
      failure("not-authentic"),
    );
    await assert.rejects(openStream(new Uint8Array(16), chunks(stream, 64)), failure("bad-key"));
    const v1Like = Uint8Array.from(stream);
    v1Like[3] = 0x01;
    await assert.rejects(openAll(v1Like), failure("bad-header"));
  });

  it("streams a content of many records through the async iterators", async () => {
    const size = 16 * 1024 * 1024;
    async function* blocks(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < size / 2 ** 20; i++) yield new Uint8Array(2 ** 20).fill(i);
    }
    const opened = await openStream(KEY, sealStream(KEY, { files: [{ name: "big.iso", size }] }, blocks()));
    let total = 0;
    for await (const plain of opened.content) {
      assert.equal(plain[0], Math.floor(total / 2 ** 20));
      total += plain.length;
    }
    assert.equal(total, size);
  });

  it("opens from a record boundary: the records from there on, with every check at the end", async () => {
    const content = multiContent();
    const stream = await seal(MULTI, content);
    const headBytes = streamHeadBytes(stream.subarray(0, STREAM_HEADER_BYTES));
    const head = stream.subarray(0, headBytes);
    const from = async (record: number, rest: Uint8Array, h: Uint8Array = head) => {
      const opened = await openStreamAt(KEY, h, record, chunks(rest, 77));
      return { metadata: opened.metadata, content: await collect(opened.content) };
    };
    for (const record of [1, 2, 3]) {
      const at = recordOffset(headBytes, 1024, record);
      const got = await from(record, stream.subarray(at));
      assert.deepEqual(got.metadata, MULTI);
      assert.deepEqual(Buffer.from(got.content), Buffer.from(content.subarray((record - 1) * 1024)));
    }
    const at2 = recordOffset(headBytes, 1024, 2);
    const rest = stream.subarray(at2);
    // Cut short, at a boundary and inside a record; bytes appended; a bit flipped; a record skipped.
    await assert.rejects(from(2, rest.subarray(0, 1040)), failure("truncated"));
    await assert.rejects(from(2, rest.subarray(0, 0)), failure("truncated"));
    await assert.rejects(from(2, rest.subarray(0, rest.length - 3)), failure("not-authentic"));
    await assert.rejects(from(2, Buffer.concat([rest, Buffer.from("x")])), failure("not-authentic"));
    const flipped = Uint8Array.from(rest);
    flipped[600] = (flipped[600] ?? 0) ^ 1;
    await assert.rejects(from(2, flipped), failure("not-authentic"));
    // The wrong offset for the record number: record 3's bytes given as record 2.
    await assert.rejects(
      from(2, stream.subarray(recordOffset(headBytes, 1024, 3))),
      failure("not-authentic"),
    );
    // The head authenticated too: a flipped bit in the header or the metadata, or a head cut short.
    for (const bit of [5, 9, STREAM_HEADER_BYTES + 2]) {
      const bad = Uint8Array.from(head);
      bad[bit] = (bad[bit] ?? 0) ^ 0x10;
      await assert.rejects(from(2, rest, bad), (err: unknown) => err instanceof StreamCipherError);
    }
    await assert.rejects(from(2, rest, head.subarray(0, headBytes - 1)), failure("truncated"));
    // Records spliced from another stream under the same key.
    const other = await collect(
      sealStream(KEY, MULTI, chunks(content, 500), { recordLog2: 10, salt: new Uint8Array(16) }),
    );
    await assert.rejects(from(2, other.subarray(at2)), failure("not-authentic"));
    // A record past the content's end.
    await assert.rejects(from(4, new Uint8Array(0)), failure("bad-metadata"));
  });

  it("opens a published vector from record 1 as openStream does", async () => {
    const stream = Buffer.from(SMALL_HEX, "hex");
    const headBytes = streamHeadBytes(stream.subarray(0, STREAM_HEADER_BYTES));
    const opened = await openStreamAt(
      KEY,
      stream.subarray(0, headBytes),
      1,
      chunks(stream.subarray(headBytes), 5),
    );
    assert.equal(Buffer.from(await collect(opened.content)).toString(), "hello, stream\n");
  });
});

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { deflateSync } from "node:zlib";
import { encryptPaste } from "../protocol/paste-cipher.ts";
import { isBinary, looksLikeCiphertext } from "./recognise.ts";

describe("recognising sealbin ciphertext without its key", () => {
  it("recognises every encrypted paste, from the smallest to large ones", async () => {
    for (const length of [1, 2, 5, 16, 100, 1000, 5000, 100_000]) {
      for (let i = 0; i < 200; i++) {
        const { body } = await encryptPaste(new TextEncoder().encode("x".repeat(length)));
        assert.ok(looksLikeCiphertext(body), `a ${length}-byte paste, attempt ${i}`);
      }
    }
  });

  it("does not take text, or the binary files people share, for ciphertext", () => {
    const png = Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), Buffer.alloc(200)]);
    const elf = Buffer.concat([Buffer.from("7f454c46020101", "hex"), Buffer.alloc(64, 0), randomBytes(40)]);
    const struct = Buffer.alloc(4096);
    for (let i = 0; i < struct.length; i += 8) struct.writeUInt32LE(i * 7, i);
    for (const content of [
      Buffer.from("plain words\n".repeat(100)),
      Buffer.from("ünïcödé text ✓ ".repeat(50)),
      png,
      elf,
      struct,
      Buffer.from("short"),
    ]) {
      assert.equal(looksLikeCiphertext(content), false, content.subarray(0, 16).toString("hex"));
    }
  });

  it("is not fooled by a sample that stops inside a character", () => {
    const text = Buffer.from("é".repeat(3000));
    assert.equal(looksLikeCiphertext(text.subarray(0, 4095), text.length), false);
  });

  it("random bytes and compressed data look alike: the server's type tells them apart", () => {
    assert.ok(looksLikeCiphertext(deflateSync(randomBytes(5000))));
  });
});

describe("binary content on a terminal", () => {
  it("is what has a NUL byte or is not UTF-8", () => {
    assert.equal(isBinary(Buffer.from("hello\n"), true), false);
    assert.equal(isBinary(Buffer.from("a\0b"), true), true);
    assert.equal(isBinary(Buffer.from([0xff, 0xfe, 0x41]), true), true);
    assert.equal(isBinary(Buffer.from("é").subarray(0, 1), false), false, "a sample cut inside a character");
  });
});

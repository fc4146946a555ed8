import assert from "node:assert/strict";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { fromBase64, toHex, utf8 } from "./bytes.ts";
import {
  cleanFileName,
  decryptPaste,
  encryptPaste,
  keyFromFragment,
  META_AAD,
  OVERHEAD_BYTES,
  openPaste,
  PasteCipherError,
} from "./paste-cipher.ts";

/** Published in docs/encryption.md: a key, an IV and the paste they make of "hello, sealbin\n". */
const VECTOR = {
  fragment: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
  iv: "000102030405060708090a0b",
  plaintext: "hello, sealbin\n",
};

const failure = (f: string) => (err: unknown) => err instanceof PasteCipherError && err.failure === f;

describe("the end-to-end paste format", () => {
  it("opens the published vector, made with node:crypto's AES-256-GCM", async () => {
    const key = fromBase64(VECTOR.fragment) as Uint8Array;
    const iv = Buffer.from(VECTOR.iv, "hex");
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const blob = Buffer.concat([iv, cipher.update(VECTOR.plaintext), cipher.final(), cipher.getAuthTag()]);
    assert.equal(
      blob.toString("hex"),
      "000102030405060708090a0b2f67ba77aac9e268e820fbe9d887728495ba53d2e2102c3905d654f2b02cb9",
    );
    assert.equal(new TextDecoder().decode(await decryptPaste(blob, VECTOR.fragment)), VECTOR.plaintext);
  });

  it("seals under a fresh key and IV that node:crypto opens (IV ‖ ciphertext ‖ tag)", async () => {
    const plain = randomBytes(1000);
    const a = await encryptPaste(plain);
    const b = await encryptPaste(plain);
    assert.notEqual(a.fragment, b.fragment);
    assert.notEqual(toHex(a.body.subarray(0, 12)), toHex(b.body.subarray(0, 12)));
    assert.equal(a.body.length, plain.length + OVERHEAD_BYTES);
    assert.match(a.fragment, /^[A-Za-z0-9_-]{43}$/);
    const d = createDecipheriv(
      "aes-256-gcm",
      keyFromFragment(a.fragment) as Uint8Array,
      a.body.subarray(0, 12),
    );
    d.setAuthTag(a.body.subarray(-16));
    assert.deepEqual(Buffer.concat([d.update(a.body.subarray(12, -16)), d.final()]), plain);
  });

  it("reads keys in base64url or standard base64, with or without padding or '#'", () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => 250 - i);
    const std = Buffer.from(key).toString("base64");
    for (const text of [Buffer.from(key).toString("base64url"), std, std.replace(/=$/, ""), `#${std}`]) {
      assert.deepEqual(keyFromFragment(text), key, text);
    }
    for (const bad of [
      "",
      "abc",
      `${std}x`,
      "!".repeat(43),
      Buffer.from(key.subarray(1)).toString("base64url"),
    ]) {
      assert.equal(keyFromFragment(bad), null, bad);
    }
  });

  it("refuses a wrong key, a short blob, a bad key and any altered byte, with their own errors", async () => {
    const { body, fragment } = await encryptPaste(utf8("secret"));
    const other = (await encryptPaste(utf8("x"))).fragment;
    await assert.rejects(decryptPaste(body, other), failure("not-authentic"));
    await assert.rejects(decryptPaste(body.subarray(0, 27), fragment), failure("too-short"));
    await assert.rejects(decryptPaste(body, "short"), failure("bad-key"));
    for (let i = 0; i < body.length; i++) {
      const altered = body.slice();
      altered[i] = (altered[i] ?? 0) ^ 1;
      await assert.rejects(decryptPaste(altered, fragment), failure("not-authentic"), `byte ${i}`);
    }
  });

  it("carries a file's name and type inside the encryption, and old pastes open with none", async () => {
    const content = randomBytes(5000);
    const sealed = await encryptPaste(content, { name: "holiday photo.png", type: "image/png" });
    assert.equal(sealed.body.length > content.length + OVERHEAD_BYTES, true);
    const opened = await openPaste(sealed.body, sealed.fragment);
    assert.deepEqual(Buffer.from(opened.content), content);
    assert.deepEqual(opened.meta, { name: "holiday photo.png", type: "image/png" });
    assert.deepEqual(Buffer.from(await decryptPaste(sealed.body, sealed.fragment)), content);
    // Without metadata: exactly fpaste's format, no additional data, no record.
    const plain = await encryptPaste(content);
    assert.equal(plain.body.length, content.length + OVERHEAD_BYTES);
    assert.deepEqual((await openPaste(plain.body, plain.fragment)).meta, {});
  });

  it("binds the record with additional data: a reader of the plain format fails instead of showing it", async () => {
    const sealed = await encryptPaste(utf8("body"), { name: "a.txt" });
    const key = keyFromFragment(sealed.fragment) as Uint8Array;
    const body = Buffer.from(sealed.body);
    const open = (aad?: Uint8Array) => {
      const d = createDecipheriv("aes-256-gcm", key, body.subarray(0, 12));
      if (aad) d.setAAD(aad);
      d.setAuthTag(body.subarray(-16));
      return Buffer.concat([d.update(body.subarray(12, -16)), d.final()]);
    };
    assert.throws(() => open(), /unable to authenticate/);
    const plain = open(META_AAD);
    const length = plain.readUInt16BE(0);
    assert.deepEqual(JSON.parse(plain.subarray(2, 2 + length).toString()), { name: "a.txt" });
    assert.equal(plain.subarray(2 + length).toString(), "body");
  });

  it("keeps only a file's own name, without directories or control characters, and a valid type", async () => {
    assert.equal(cleanFileName("../../etc/passwd"), "passwd");
    assert.equal(cleanFileName("C:\\Users\\me\\report.pdf"), "report.pdf");
    assert.equal(cleanFileName("bad\u0000\u001b[31mname.txt"), "bad[31mname.txt");
    assert.equal(Array.from(cleanFileName("é".repeat(300))).length, 255);
    const sealed = await encryptPaste(utf8("x"), { name: "/tmp/x.sh", type: "text/html; <script>" });
    assert.deepEqual((await openPaste(sealed.body, sealed.fragment)).meta, { name: "x.sh" });
  });

  it("refuses a malformed record sealed under the metadata flag", async () => {
    const key = Buffer.alloc(32, 7);
    const iv = Buffer.alloc(12, 1);
    const seal = (plaintext: Buffer) => {
      const c = createCipheriv("aes-256-gcm", key, iv);
      c.setAAD(META_AAD);
      return Buffer.concat([iv, c.update(plaintext), c.final(), c.getAuthTag()]);
    };
    const fragment = key.toString("base64url");
    for (const plaintext of [
      Buffer.from([0xff, 0xff, 0x7b, 0x7d]), // longer than it is
      Buffer.from([0x00, 0x02, 0x5b, 0x5d]), // an array, not an object
      Buffer.from([0x00, 0x02, 0xc3, 0x28]), // not UTF-8
      Buffer.from([0x00]),
    ]) {
      await assert.rejects(
        openPaste(seal(plaintext), fragment),
        failure("bad-metadata"),
        plaintext.toString("hex"),
      );
    }
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PNG_1X1 } from "../../../test/fixtures/files.ts";
import { detectMimeType, sanitizeMimeType } from "./pastes.mime.ts";

describe("MIME detection", () => {
  it("puts magic bytes first, over any declared type", async () => {
    assert.equal(await detectMimeType(PNG_1X1, "text/plain"), "image/png");
    assert.equal(await detectMimeType(PNG_1X1, "application/pdf"), "image/png");
  });

  it("recognises the reference's signatures", async () => {
    const cases: [string, Buffer][] = [
      ["image/jpeg", Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1])],
      ["image/gif", Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1")],
      ["application/pdf", Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1")],
      [
        "application/gzip",
        Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      ],
    ];
    for (const [mime, bytes] of cases) assert.equal(await detectMimeType(bytes, undefined), mime);
  });

  it("uses an explicit, non-generic Content-Type when the bytes say nothing", async () => {
    assert.equal(await detectMimeType(Buffer.from("a,b\n1,2\n"), "text/csv; charset=utf-8"), "text/csv");
    assert.equal(await detectMimeType(Buffer.from("{}"), "Application/JSON"), "application/json");
  });

  it("falls through generic types to text/plain for valid UTF-8", async () => {
    for (const generic of [
      "application/octet-stream",
      "application/x-www-form-urlencoded",
      "text/plain",
      undefined,
    ]) {
      assert.equal(await detectMimeType(Buffer.from("héllo wörld"), generic), "text/plain", String(generic));
    }
  });

  it("falls back to application/octet-stream for bytes that are not UTF-8", async () => {
    assert.equal(
      await detectMimeType(Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x00, 0x81]), undefined),
      "application/octet-stream",
    );
  });

  it("refuses malformed declared types rather than store them", () => {
    assert.equal(sanitizeMimeType("text/html\r\nX-Evil: 1"), undefined);
    assert.equal(sanitizeMimeType("nonsense"), undefined);
    assert.equal(sanitizeMimeType("image/png; name=x"), "image/png");
  });
});

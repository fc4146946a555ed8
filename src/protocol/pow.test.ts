import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { leadingZeroBits, meetsDifficulty, powHash, solvePow } from "./pow.ts";

describe("proof-of-work algorithm", () => {
  it("counts leading zero bits across bytes", () => {
    assert.equal(leadingZeroBits(Uint8Array.from([0x80])), 0);
    assert.equal(leadingZeroBits(Uint8Array.from([0x01])), 7);
    assert.equal(leadingZeroBits(Uint8Array.from([0x00, 0x00, 0x0f])), 20);
    assert.equal(leadingZeroBits(Uint8Array.from([0x00, 0x00])), 16);
  });

  it("hashes nonce, a colon and the decimal solution (vector from Python's hashlib)", () => {
    assert.equal(
      powHash("abc", 42).toString("hex"),
      "77fed3f4d816b7f45026b803d1110fd9e8495ff5884d55c08c605d1b68057163",
    );
  });

  it("finds a solution that meets the difficulty, and rejects non-canonical forms of it", () => {
    const nonce = "00112233445566778899aabbccddeeff";
    const n = solvePow(nonce, 12);
    assert.ok(leadingZeroBits(powHash(nonce, n)) >= 12);
    assert.equal(meetsDifficulty(nonce, String(n), 12), true);
    assert.equal(meetsDifficulty(nonce, `0${n}`, 12), false);
    assert.equal(meetsDifficulty(nonce, `+${n}`, 12), false);
    assert.equal(meetsDifficulty(nonce, `${n}.0`, 12), false);
  });
});

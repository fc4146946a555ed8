import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { toHex, utf8 } from "./bytes.ts";
import {
  leadingZeroBits,
  meetsDifficulty,
  type PowJob,
  type PowMessage,
  powHash,
  searchPow,
  searchPowPlain,
  sha256,
  solvePow,
} from "./pow.ts";

type Search = (job: PowJob, post: (m: PowMessage) => void) => void;
const firstSolution = (search: Search, job: PowJob) => {
  let found: number | undefined;
  search(job, (m) => {
    if (m.solution !== undefined) found = m.solution;
  });
  return found;
};
const nodeHash = (nonce: string, n: number) => createHash("sha256").update(`${nonce}:${n}`).digest();

/** Published in docs/abuse-prevention.md: the smallest solution of each challenge. */
const VECTORS = [
  { nonce: "00112233445566778899aabbccddeeff", difficulty: 8, solution: 55 },
  { nonce: "00112233445566778899aabbccddeeff", difficulty: 16, solution: 140894 },
  { nonce: "5f4dcc3b5aa765d61d8327deb882cf99", difficulty: 20, solution: 483159 },
];

describe("proof-of-work algorithm", () => {
  it("counts leading zero bits across bytes", () => {
    assert.equal(leadingZeroBits(Uint8Array.from([0x80])), 0);
    assert.equal(leadingZeroBits(Uint8Array.from([0x01])), 7);
    assert.equal(leadingZeroBits(Uint8Array.from([0x00, 0x00, 0x0f])), 20);
    assert.equal(leadingZeroBits(Uint8Array.from([0x00, 0x00])), 16);
  });

  it("hashes nonce, a colon and the decimal solution (vector from Python's hashlib)", () => {
    assert.equal(
      toHex(powHash("abc", 42)),
      "77fed3f4d816b7f45026b803d1110fd9e8495ff5884d55c08c605d1b68057163",
    );
  });

  it("computes SHA-256 as node:crypto does, for every length across the block boundaries", () => {
    for (let length = 0; length < 300; length++) {
      const message = randomBytes(length);
      assert.equal(toHex(sha256(message)), createHash("sha256").update(message).digest("hex"), `${length}`);
    }
    assert.equal(
      toHex(sha256(utf8("abc"))),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("finds the published smallest solutions", () => {
    for (const v of VECTORS) {
      assert.equal(solvePow(v.nonce, v.difficulty), v.solution, JSON.stringify(v));
      assert.ok(leadingZeroBits(nodeHash(v.nonce, v.solution)) >= v.difficulty);
    }
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

describe("the clients' proof-of-work search", () => {
  it("finds exactly what plain hashing with node:crypto finds, for every thread's share of the numbers", () => {
    for (let t = 0; t < 150; t++) {
      const step = 1 + (t % 8);
      const job = { nonce: randomBytes(16).toString("hex"), difficulty: 1 + (t % 12), step, start: t % step };
      const fast = firstSolution(searchPow, job) as number;
      assert.equal(fast, firstSolution(searchPowPlain, job), JSON.stringify(job));
      // The first candidate of this share that node:crypto says meets the difficulty.
      let expected = job.start;
      while (leadingZeroBits(nodeHash(job.nonce, expected)) < job.difficulty) expected += step;
      assert.equal(fast, expected, JSON.stringify(job));
    }
  });

  it("counts across a change in the number of digits (9 → 10, 99999999 → 100000000)", () => {
    for (const start of [9, 95, 999_990, 99_999_999]) {
      for (const step of [1, 7]) {
        const job = { nonce: randomBytes(16).toString("hex"), difficulty: 7, start, step };
        assert.equal(firstSolution(searchPow, job), firstSolution(searchPowPlain, job), JSON.stringify(job));
      }
    }
  });

  it("falls back to plain hashing for a nonce too long for one SHA-256 block", () => {
    const job = { nonce: "n".repeat(60), difficulty: 8, start: 0, step: 1 };
    const n = firstSolution(searchPow, job) as number;
    assert.ok(leadingZeroBits(nodeHash(job.nonce, n)) >= 8);
  });

  it("reports progress every 65,536 candidates", () => {
    const seen: number[] = [];
    searchPow({ nonce: VECTORS[2]?.nonce ?? "", difficulty: 20, start: 0, step: 1 }, (m) => {
      if (m.tried !== undefined) seen.push(m.tried);
    });
    assert.equal(seen.length, Math.floor(483159 / 65536));
    assert.ok(seen.every((t) => t === 65536));
  });
});

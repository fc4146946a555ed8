import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { leadingZeroBits, type PowJob, type PowMessage, searchPow, searchPowPlain, solvePow } from "./pow.ts";
import { type PowSearch, simdSearch } from "./pow-simd.ts";

const simd = simdSearch() as PowSearch;
const firstSolution = (search: PowSearch, job: PowJob) => {
  let found: number | undefined;
  search(job, (m) => {
    if (m.solution !== undefined) found = m.solution;
  });
  return found;
};
const nodeBits = (nonce: string, n: number) =>
  leadingZeroBits(createHash("sha256").update(`${nonce}:${n}`).digest());
/** The first number of the job's share that node:crypto's SHA-256 says meets the difficulty. */
const expected = (job: PowJob) => {
  let n = job.start;
  while (nodeBits(job.nonce, n) < job.difficulty) n += job.step;
  return n;
};
/** Every solution of the job's share below `end`, found by restarting the search after each. */
const solutionsBelow = (search: PowSearch, job: PowJob, end: number) => {
  const found: number[] = [];
  for (let n = firstSolution(search, job) as number; n < end; ) {
    found.push(n);
    n = firstSolution(search, { ...job, start: n + job.step }) as number;
  }
  return found;
};

describe("the WebAssembly SIMD proof-of-work search", () => {
  it("compiles here (Node has WebAssembly SIMD)", () => {
    assert.equal(typeof simd, "function");
  });

  it("finds the published smallest solutions (docs/abuse-prevention.md)", () => {
    for (const v of [
      { nonce: "00112233445566778899aabbccddeeff", difficulty: 8, solution: 55 },
      { nonce: "00112233445566778899aabbccddeeff", difficulty: 16, solution: 140894 },
      { nonce: "5f4dcc3b5aa765d61d8327deb882cf99", difficulty: 20, solution: 483159 },
    ]) {
      const job = { nonce: v.nonce, difficulty: v.difficulty, start: 0, step: 1 };
      assert.equal(firstSolution(simd, job), v.solution, JSON.stringify(v));
      assert.equal(solvePow(v.nonce, v.difficulty), v.solution);
    }
  });

  it("finds what node:crypto's hashing finds, for every thread's share of the numbers", () => {
    for (let t = 0; t < 200; t++) {
      const step = 1 + (t % 9);
      const job = { nonce: randomBytes(16).toString("hex"), difficulty: 1 + (t % 14), step, start: t % step };
      const found = firstSolution(simd, job) as number;
      assert.equal(found, expected(job), JSON.stringify(job));
      assert.equal(found, firstSolution(searchPow, job), JSON.stringify(job));
    }
  });

  it("finds the same smallest solution as the scalar search from 0 with step 1", () => {
    for (let t = 0; t < 20; t++) {
      const nonce = randomBytes(16).toString("hex");
      const difficulty = 10 + (t % 8);
      assert.equal(
        firstSolution(simd, { nonce, difficulty, start: 0, step: 1 }),
        solvePow(nonce, difficulty),
      );
    }
  });

  it("classifies every candidate as node:crypto does across digit carries (9 → 10 … 9999 → 10000 …)", () => {
    const nonce = randomBytes(16).toString("hex");
    for (const edge of [10, 100, 1000, 10_000, 100_000, 1_000_000, 100_000_000, 10 ** 12, 10 ** 15]) {
      for (const step of [1, 3, 4, 7]) {
        // Difficulty 2: about one candidate in four is a solution, so each lane is checked often.
        const job = { nonce, difficulty: 2, start: Math.max(0, edge - 40 * step), step };
        const end = edge + 40 * step;
        const byNode: number[] = [];
        for (let n = job.start; n < end; n += step) if (nodeBits(nonce, n) >= 2) byNode.push(n);
        assert.deepEqual(solutionsBelow(simd, job, end), byNode, JSON.stringify({ edge, step }));
      }
    }
  });

  it("honours any start in a share, at every position of a four-lane batch", () => {
    const nonce = randomBytes(16).toString("hex");
    for (let start = 9_980; start < 10_020; start++) {
      for (const step of [1, 2, 5]) {
        const job = { nonce, difficulty: 5, start, step };
        assert.equal(firstSolution(simd, job), expected(job), JSON.stringify(job));
      }
    }
  });

  it("handles every nonce length that fits one block, and falls back to plain hashing beyond", () => {
    for (let length = 0; length <= 60; length++) {
      const job = {
        nonce: "é".repeat(length >> 1) + "n".repeat(length & 1),
        difficulty: 9,
        start: 3,
        step: 2,
      };
      assert.equal(firstSolution(simd, job), expected(job), `nonce of ${length} characters`);
    }
  });

  it("runs shares wider than its table (step > 64) with the scalar search", () => {
    const job = { nonce: randomBytes(16).toString("hex"), difficulty: 6, start: 5, step: 100 };
    assert.equal(firstSolution(simd, job), firstSolution(searchPowPlain, job));
  });

  it("reports progress every 65,536 candidates, as the scalar search does", () => {
    const job = { nonce: "5f4dcc3b5aa765d61d8327deb882cf99", difficulty: 20, start: 0, step: 1 };
    const messages = (search: PowSearch) => {
      const seen: PowMessage[] = [];
      search(job, (m) => seen.push(m));
      return seen;
    };
    const fromSimd = messages(simd);
    assert.deepEqual(fromSimd, messages(searchPow));
    assert.equal(fromSimd.length, Math.floor(483159 / 65536) + 1);
    assert.deepEqual(fromSimd.at(-1), { solution: 483159 });
  });
});

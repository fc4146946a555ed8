import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import { leadingZeroBits, powHash } from "../src/protocol/pow.ts";
import { CLI_BIN } from "./helpers/cli.ts";

type Job = { nonce: string; difficulty: number; start: number; step: number };
type Search = (job: Job, post: (m: { tried?: number; solution?: number }) => void) => void;
const { searchPow, searchPowPlain } = createRequire(import.meta.url)(CLI_BIN) as {
  searchPow: Search;
  searchPowPlain: Search;
};

const firstSolution = (search: Search, job: Job) => {
  let found: number | undefined;
  search(job, (m) => {
    if (m.solution !== undefined) found = m.solution;
  });
  return found;
};

describe("the CLI's proof-of-work search", () => {
  it("finds the same first solution as plain SHA-256 calls, for every thread's share of the numbers", () => {
    for (let t = 0; t < 150; t++) {
      const job = {
        nonce: randomBytes(16).toString("hex"),
        difficulty: 1 + (t % 12),
        step: 1 + (t % 8),
        start: 0,
      };
      const step = job.step;
      const shared = { ...job, start: t % step };
      const fast = firstSolution(searchPow, shared);
      assert.equal(fast, firstSolution(searchPowPlain, shared), JSON.stringify(shared));
      assert.ok(leadingZeroBits(powHash(job.nonce, fast as number)) >= job.difficulty);
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
    assert.ok(leadingZeroBits(powHash(job.nonce, n)) >= 8);
  });
});

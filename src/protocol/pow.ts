/**
 * The proof-of-work algorithm that server, CLI and browser agree on: a solution N to a challenge is
 * valid when SHA-256(nonce + ":" + N) has at least `difficulty` leading zero bits. N is written in
 * canonical decimal (no sign, no leading zeros).
 */
import { createHash } from "node:crypto";

export const SOLUTION_PATTERN = /^(0|[1-9][0-9]{0,15})$/;

export function leadingZeroBits(hash: Uint8Array): number {
  let bits = 0;
  for (const byte of hash) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

export function powHash(nonce: string, solution: string | number): Buffer {
  return createHash("sha256").update(`${nonce}:${solution}`).digest();
}

export function meetsDifficulty(nonce: string, solution: string, difficulty: number): boolean {
  return SOLUTION_PATTERN.test(solution) && leadingZeroBits(powHash(nonce, solution)) >= difficulty;
}

/** Finds the smallest solution from `start` on; synchronous, for tests and small difficulties. */
export function solvePow(nonce: string, difficulty: number, start = 0): number {
  for (let n = start; ; n++) {
    if (leadingZeroBits(powHash(nonce, n)) >= difficulty) return n;
  }
}

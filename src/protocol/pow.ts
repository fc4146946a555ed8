/**
 * The proof-of-work rule that server, CLI and browser agree on, and the search the clients run.
 *
 * A solution N to a challenge is valid when SHA-256(nonce + ":" + N) has at least `difficulty`
 * leading zero bits; N is written in canonical decimal (no sign, no leading zeros). Runs unchanged
 * in Node and browsers: SHA-256 is written out here (WebCrypto's digest is asynchronous, and one call
 * per candidate would cost more than the hash). Test vectors: docs/pow.md and pow.test.ts.
 */
import { utf8 } from "./bytes.ts";

export const SOLUTION_PATTERN = /^(0|[1-9][0-9]{0,15})$/;

/** One share of the search: N = start, start + step, …; `post` hears of progress and the solution. */
export interface PowJob {
  readonly nonce: string;
  readonly difficulty: number;
  readonly start: number;
  readonly step: number;
}

/** How a search thread hashes: WebAssembly SIMD, four candidates at once, or JavaScript, one. */
export type PowEngine = "wasm-simd" | "scalar";

/**
 * What a search reports: every 2^16 candidates `{tried}`, and once `{solution}`; a search thread
 * (src/client/pow.worker.ts) says first which engine it runs (`{engine}`).
 */
export interface PowMessage {
  readonly tried?: number;
  readonly solution?: number;
  readonly engine?: PowEngine;
}

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

// Typed as `any`: indexing typed arrays in the hot loops needs no undefined checks.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Words = any;

/** SHA-256's round constants and initial hash value (FIPS 180-4 §4.2.2, §5.3.3). */
export const K: Words = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
export const IV: Words = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** Expands W[16..63] from W[0..15] (the message schedule). */
function schedule(W: Words): void {
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15];
    const y = W[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
}

/** SHA-256 (FIPS 180-4) of any bytes. */
export function sha256(message: Uint8Array): Uint8Array {
  const blocks = Math.ceil((message.length + 9) / 64);
  const padded: Words = new Uint8Array(blocks * 64);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(message.length / 0x20000000));
  view.setUint32(padded.length - 4, (message.length * 8) >>> 0);
  const H: Words = Int32Array.from(IV);
  const W: Words = new Int32Array(64);
  for (let block = 0; block < blocks; block++) {
    for (let i = 0; i < 16; i++) W[i] = view.getInt32(block * 64 + 4 * i);
    schedule(W);
    const r = rounds(H, W, 64);
    for (let i = 0; i < 8; i++) H[i] = (H[i] + r[i]) | 0;
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setInt32(4 * i, H[i]);
  return out;
}

export function powHash(nonce: string, solution: string | number): Uint8Array {
  return sha256(utf8(`${nonce}:${solution}`));
}

/** The server's check of a submitted solution. */
export function meetsDifficulty(nonce: string, solution: string, difficulty: number): boolean {
  return SOLUTION_PATTERN.test(solution) && leadingZeroBits(powHash(nonce, solution)) >= difficulty;
}

/** The search by one full hash per candidate: the reference `searchPow` must agree with. */
export function searchPowPlain(job: PowJob, post: (message: PowMessage) => void): void {
  let tried = 0;
  for (let n = job.start; ; n += job.step) {
    if (leadingZeroBits(powHash(job.nonce, n)) >= job.difficulty) {
      post({ solution: n });
      return;
    }
    if (++tried === 65536) {
      post({ tried });
      tried = 0;
    }
  }
}

/**
 * The scalar search (where pow-simd.ts's WebAssembly SIMD search cannot run, and on the calling
 * thread for easy challenges): the words of the nonce never change, so the rounds that read only
 * them are computed once (the midstate), and the number's digits are counted up in place. Falls
 * back to the plain search for a nonce too long for one block (the server's are 32 characters).
 */
export function searchPow(job: PowJob, post: (message: PowMessage) => void): void {
  const prefix = utf8(`${job.nonce}:`);
  const P = prefix.length;
  // One block holds the nonce, 16 digits and the padding only for nonces up to 38 bytes.
  if (P + 17 > 55 || job.step >= 10 || job.difficulty > 64) {
    searchPowPlain(job, post);
    return;
  }
  const block: Words = new Uint8Array(64);
  const W: Words = new Int32Array(64);
  const c = P >> 2; // words made of nonce bytes only
  block.set(prefix);
  for (let i = 0; i < c; i++) {
    W[i] = (block[4 * i] << 24) | (block[4 * i + 1] << 16) | (block[4 * i + 2] << 8) | block[4 * i + 3];
  }
  const [a0, b0, c0, d0, e0, f0, g0, h0]: Words = midstate(W, c);
  const difficulty = job.difficulty;
  const step = job.step;
  let n = job.start;
  let L = layout(block, P, n);
  let tried = 0;
  for (;;) {
    for (let i = c; i < 16; i++) {
      W[i] = (block[4 * i] << 24) | (block[4 * i + 1] << 16) | (block[4 * i + 2] << 8) | block[4 * i + 3];
    }
    schedule(W);
    let a = a0;
    let b = b0;
    let cc = c0;
    let d = d0;
    let e = e0;
    let f = f0;
    let g = g0;
    let h = h0;
    for (let i = c; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & cc) ^ (b & cc))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = cc;
      cc = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    const z0 = Math.clz32((a + IV[0]) | 0);
    if (z0 >= difficulty || (z0 === 32 && 32 + Math.clz32((b + IV[1]) | 0) >= difficulty)) {
      post({ solution: n });
      return;
    }
    if (++tried === 65536) {
      post({ tried });
      tried = 0;
    }
    // n += step, on the digits in place.
    n += step;
    let at = P + L - 1;
    let digit = block[at] + step;
    while (digit > 0x39) {
      block[at] = digit - 10;
      if (--at < P) break;
      digit = block[at] + 1;
    }
    if (at < P) L = layout(block, P, n);
    else block[at] = digit;
  }
}

/** The state after SHA-256's first `count` rounds, over W[0..count-1], from the initial value. */
export function midstate(W: Words, count: number): Int32Array {
  return rounds(IV, W, count);
}

/** SHA-256's first `count` rounds from `state` over W (the state is not changed): the new state. */
function rounds(state: Words, W: Words, count: number): Int32Array {
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  let e = state[4];
  let f = state[5];
  let g = state[6];
  let h = state[7];
  for (let i = 0; i < count; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  return Int32Array.of(a, b, c, d, e, f, g, h);
}

/** Writes N's digits, the end marker and the bit length after the nonce; returns the digit count. */
function layout(block: Words, P: number, n: number): number {
  const digits = String(n);
  block.fill(0, P);
  for (let i = 0; i < digits.length; i++) block[P + i] = digits.charCodeAt(i);
  block[P + digits.length] = 0x80;
  const bits = (P + digits.length) * 8;
  block[62] = bits >>> 8;
  block[63] = bits & 0xff;
  return digits.length;
}

/** The smallest solution from `start` on, synchronously: for tests and small difficulties. */
export function solvePow(nonce: string, difficulty: number, start = 0): number {
  let found = -1;
  searchPow({ nonce, difficulty, start, step: 1 }, (m) => {
    if (m.solution !== undefined) found = m.solution;
  });
  return found;
}

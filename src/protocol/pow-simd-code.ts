/**
 * The WebAssembly SIMD code of the proof-of-work search (src/protocol/pow-simd.ts runs it), emitted
 * as binary by this file. Written here rather than as a .wat file compiled at build time because
 * the 64 rounds and 48 schedule steps are unrolled with the eight working variables renamed from
 * round to round (no moves) — 12 KiB of code that would take thousands of lines of text — and
 * because the same TypeScript then runs from src/ (tests, the server's checks) and in both bundles
 * with no build step, no embedded binary and nothing generated to keep in step.
 *
 * One function `s(wA, lo, step, batches) -> i32` hashes `batches` batches of four candidates, one
 * per i32x4 lane: lane l of a batch is the candidate with low part lo + l·step. The lanes share
 * the midstate and every message word but the two (at byte address wA, wA + 16) that hold the low
 * digits; those come from a table of the digits' bytes (TABLE). It returns the index of the first
 * batch in which a lane meets the difficulty (its lanes' masked hash words stored at RESULT, zero
 * for a solution), or `batches` when none does.
 */

import { IV, K } from "./pow.ts";

/** Byte addresses in the search's memory (all the v128 values are the same in every lane). */
export const MEMORY = {
  /** The state after the rounds of the message words that hold only nonce bytes: 8 × v128. */
  midstate: 0,
  /** The message words W[0..15]: 16 × v128. */
  words: 128,
  /** Which bits of the first and second hash words must be zero: 2 × v128. */
  masks: 384,
  /** The two digit words without the low digits (OR-ed with the table's bytes): 2 × v128. */
  base: 416,
  /** The batch that met the difficulty: its lanes' masked hash words (0 in a solution's lane). */
  result: 448,
  /** Per low part lo: its digit bytes as the two big-endian words [A, B] (8 bytes per entry). */
  table: 1024,
  pages: 2,
} as const;

/** A piece of code writes its bytes (one pass: nothing is copied while the expressions nest). */
type Code = (out: number[]) => void;

function uleb(n: number, out: number[]): void {
  do {
    const byte = n & 0x7f;
    n >>>= 7;
    out.push(n === 0 ? byte : byte | 0x80);
  } while (n !== 0);
}
function sleb(n: number, out: number[]): void {
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return void out.push(byte);
    out.push(byte | 0x80);
  }
}
const bytesOf = (...code: Code[]): number[] => {
  const out: number[] = [];
  for (const c of code) c(out);
  return out;
};
const raw =
  (...bytes: number[]): Code =>
  (out) => {
    for (const b of bytes) out.push(b);
  };
const name = (s: string): Code => raw(s.length, ...Array.from(s, (c) => c.charCodeAt(0)));
const section = (id: number, ...code: Code[]): number[] => {
  const body = bytesOf(...code);
  return bytesOf(raw(id), u32(body.length), raw(...body));
};

// Instructions (WebAssembly core 2.0 §5.4): scalar, then the 0xfd-prefixed SIMD ones.
const I32 = 0x7f;
const V128 = 0x7b;
const u32 =
  (n: number): Code =>
  (out) =>
    uleb(n, out);
const seq =
  (...parts: Code[]): Code =>
  (out) => {
    for (const p of parts) p(out);
  };
const get = (local: number): Code => seq(raw(0x20), u32(local));
const set = (local: number): Code => seq(raw(0x21), u32(local));
const i32 =
  (n: number): Code =>
  (out) => {
    out.push(0x41);
    sleb(n | 0, out);
  };
const op =
  (code: number, ...args: Code[]): Code =>
  (out) => {
    for (const a of args) a(out);
    out.push(code);
  };
const simd =
  (code: number, ...args: Code[]): Code =>
  (out) => {
    for (const a of args) a(out);
    out.push(0xfd);
    uleb(code, out);
  };
const memarg = (offset: number, align: number): Code => seq(u32(align), u32(offset));
const load32 = (addr: Code, offset: number) => seq(addr, raw(0x28), memarg(offset, 2));
const load = (addr: Code, offset: number) => seq(simd(0x00, addr), memarg(offset, 4));
const store = (addr: Code, value: Code, offset: number) => seq(simd(0x0b, addr, value), memarg(offset, 4));
const splatConst = (n: number): Code => {
  const bytes = [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
  return raw(0xfd, 0x0c, ...bytes, ...bytes, ...bytes, ...bytes);
};
const replaceLane = (vector: Code, lane: number, value: Code) => seq(simd(0x1c, vector, value), raw(lane));
const and = (x: Code, y: Code) => simd(0x4e, x, y);
const or = (x: Code, y: Code) => simd(0x50, x, y);
const xor = (x: Code, y: Code) => simd(0x51, x, y);
/** (x & mask) | (y & ~mask): Ch and Maj in one instruction each. */
const bitselect = (x: Code, y: Code, mask: Code) => simd(0x52, x, y, mask);
const add = (first: Code, ...xs: Code[]): Code => xs.reduce((sum, x) => simd(0xae, sum, x), first);
const shl = (x: Code, n: number) => simd(0xab, x, i32(n));
const shr = (x: Code, n: number) => simd(0xad, x, i32(n));
// SIMD128 has no rotate: two shifts and an or.
const rotr = (local: number, n: number) => or(shr(get(local), n), shl(get(local), 32 - n));
const bigSigma0 = (x: number) => xor(xor(rotr(x, 2), rotr(x, 13)), rotr(x, 22));
const bigSigma1 = (x: number) => xor(xor(rotr(x, 6), rotr(x, 11)), rotr(x, 25));
const smallSigma0 = (x: number) => xor(xor(rotr(x, 7), rotr(x, 18)), shr(get(x), 3));
const smallSigma1 = (x: number) => xor(xor(rotr(x, 17), rotr(x, 19)), shr(get(x), 10));

// Locals: the four parameters, three i32 and then the v128 ones.
const [WA, LO, STEP, BATCHES, BATCH, ADDR, STEP8] = [0, 1, 2, 3, 4, 5, 6];
const STATE = 7; // 8 locals, the working variables a..h (renamed each round)
const W = STATE + 8; // 16 locals: W[t] lives in W + t % 16
const T1 = W + 16;
const LANES = T1 + 1;
const V128_LOCALS = LANES + 1 - STATE;

/**
 * The search function for nonces whose first `fixedWords` message words hold only nonce bytes
 * (their rounds are the midstate, computed once by the caller).
 */
function searchBody(fixedWords: number): number[] {
  const zero = i32(0);
  const code: Code[] = [];
  const emit = (...parts: Code[]) => code.push(...parts);
  emit(op(0x74, get(STEP), i32(3)), set(STEP8)); // step8 = step << 3
  emit(raw(0x03, 0x40)); // loop
  // if k == batches: return batches
  emit(op(0x46, get(BATCH), get(BATCHES)), raw(0x04, 0x40), get(BATCHES), raw(0x0f, 0x0b));
  // The two digit words of the four lanes, gathered from the table.
  emit(op(0x6a, op(0x74, get(LO), i32(3)), i32(MEMORY.table)), set(ADDR));
  const lane = (l: number) => (l === 0 ? get(ADDR) : op(0x6a, get(ADDR), op(0x6c, get(STEP8), i32(l))));
  for (const [half, at] of [
    [0, 0],
    [4, 16],
  ] as const) {
    let vector = simd(0x11, load32(lane(0), half));
    for (let l = 1; l < 4; l++) vector = replaceLane(vector, l, load32(lane(l), half));
    emit(store(get(WA), or(load(zero, MEMORY.base + at), vector), at));
  }
  for (let i = 0; i < 16; i++) emit(load(zero, MEMORY.words + 16 * i), set(W + i));
  for (let i = 0; i < 8; i++) emit(load(zero, MEMORY.midstate + 16 * i), set(STATE + i));
  // roles[j] is the local holding working variable j (a = 0 … h = 7) in the current round.
  let roles = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => STATE + j);
  for (let t = fixedWords; t < 64; t++) {
    const w = W + (t % 16);
    if (t >= 16) {
      const at = (back: number) => W + ((t - back) % 16);
      emit(add(smallSigma1(at(2)), get(at(7)), smallSigma0(at(15)), get(at(16))), set(w));
    }
    const [a, b, c, d, e, f, g, h] = roles as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const ch = bitselect(get(f), get(g), get(e));
    emit(add(get(h), bigSigma1(e), ch, splatConst(K[t]), get(w)), set(T1));
    emit(add(get(d), get(T1)), set(d)); // the new e
    const maj = bitselect(get(b), get(c), xor(get(a), get(c)));
    emit(add(get(T1), bigSigma0(a), maj), set(h)); // the new a
    roles = [h, a, b, c, d, e, f, g];
  }
  // The lanes' first two hash words, masked: zero in a lane that meets the difficulty.
  const [a, b] = roles as [number, number];
  const h0 = and(add(get(a), splatConst(IV[0])), load(zero, MEMORY.masks));
  const h1 = and(add(get(b), splatConst(IV[1])), load(zero, MEMORY.masks + 16));
  emit(or(h0, h1), set(LANES));
  // if any lane is zero: keep them, return k
  emit(simd(0x53, simd(0x37, get(LANES), splatConst(0))), raw(0x04, 0x40));
  emit(store(zero, get(LANES), MEMORY.result), get(BATCH), raw(0x0f, 0x0b));
  emit(op(0x6a, get(LO), op(0x74, get(STEP), i32(2))), set(LO)); // lo += 4 step
  emit(op(0x6a, get(BATCH), i32(1)), set(BATCH));
  emit(raw(0x0c, 0x00, 0x0b, 0x00)); // br to the loop; end; unreachable
  const locals = seq(raw(2), u32(3), raw(I32), u32(V128_LOCALS), raw(V128));
  return bytesOf(locals, ...code, raw(0x0b));
}

/** The module: imports its memory as e.m, exports the search as s. */
export function powSimdModule(fixedWords: number): Uint8Array {
  const body = searchBody(fixedWords);
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, raw(1, 0x60, 4, I32, I32, I32, I32, 1, I32)),
    ...section(2, raw(1), name("e"), name("m"), raw(0x02, 0x00), u32(MEMORY.pages)),
    ...section(3, raw(1, 0)),
    ...section(7, raw(1), name("s"), raw(0x00, 0)),
    ...section(10, raw(1), u32(body.length), raw(...body)),
  ]);
}

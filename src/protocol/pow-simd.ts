/**
 * The clients' fast proof-of-work search: SHA-256 of four candidates at once in WebAssembly SIMD
 * (the code: pow-simd-code.ts), same contract as searchPow in pow.ts — the same job, the same
 * `{tried}` every 2^16 candidates, the first solution of the job's share. Where WebAssembly or its
 * SIMD is missing, or a page's policy forbids compiling it, `simdSearch()` says so (undefined) and
 * the caller runs searchPow.
 *
 * How the candidates reach the lanes: N is split as hi·10^4 + lo (below 10^4: all numbers with N's
 * digit count, hi empty). Within one such block every message word is the same but the one or two
 * that hold lo's digits, so JavaScript lays the block out once and the SIMD code takes lo's digit
 * bytes from a table (one per alignment and digit count), four lanes at a time.
 */
import { utf8 } from "./bytes.ts";
import { midstate, type PowJob, type PowMessage, searchPow } from "./pow.ts";
import { MEMORY, powSimdModule } from "./pow-simd-code.ts";

export type PowSearch = (job: PowJob, post: (message: PowMessage) => void) => void;

// Typed as `any`, as in pow.ts: indexing typed arrays needs no undefined checks.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Bytes = any;

type SearchCode = (wA: number, lo: number, step: number, batches: number) => number;

/** The low digits the SIMD code counts through: 4, so a table is 10^4 entries (80 KiB). */
const LOW_DIGITS = 4;
const LOW = 10 ** LOW_DIGITS;
/** Shares up to this step (threads) run in SIMD: the table has room for a batch's lanes past its end. */
const MAX_STEP = 64;
/** Batches per call into WebAssembly: ~1 ms of work, so progress is heard and V8 can tier the code up. */
const CHUNK = 1024;

/**
 * The SIMD search, or undefined where it cannot run. Compiling the code is the detection: it fails
 * without WebAssembly SIMD, and under a Content Security Policy without 'wasm-unsafe-eval'.
 * Synchronous compilation: meant for workers (browsers limit it to small modules on a page's thread).
 */
export function simdSearch(): PowSearch | undefined {
  if (typeof WebAssembly !== "object") return undefined;
  try {
    const memory = new WebAssembly.Memory({ initial: MEMORY.pages });
    const compiled = new Map<number, SearchCode>();
    const codeFor = (fixedWords: number): SearchCode => {
      let code = compiled.get(fixedWords);
      if (!code) {
        const module = new WebAssembly.Module(powSimdModule(fixedWords) as Uint8Array<ArrayBuffer>);
        code = new WebAssembly.Instance(module, { e: { m: memory } }).exports.s as SearchCode;
        compiled.set(fixedWords, code);
      }
      return code;
    };
    codeFor(8); // the server's nonces: 32 characters and the colon, 8 words of nonce only
    return (job, post) => search(job, post, memory, codeFor);
  } catch {
    return undefined;
  }
}

function search(
  job: PowJob,
  post: (message: PowMessage) => void,
  memory: WebAssembly.Memory,
  codeFor: (fixedWords: number) => SearchCode,
): void {
  const prefix = utf8(`${job.nonce}:`);
  const P = prefix.length;
  const { difficulty, step } = job;
  // searchPow's cases: a nonce too long for one block (with 16 digits), odd shares, odd difficulties.
  const simple = Number.isSafeInteger(job.start) && job.start >= 0 && Number.isInteger(step);
  if (P + 17 > 55 || !simple || step < 1 || step > MAX_STEP || !(difficulty <= 64)) {
    searchPow(job, post);
    return;
  }
  const fixed = P >> 2;
  const code = codeFor(fixed);
  const view = new DataView(memory.buffer);
  const splat = (at: number, word: number) => {
    for (let lane = 0; lane < 4; lane++) view.setInt32(at + 4 * lane, word, true);
  };
  const block: Bytes = new Uint8Array(64);
  block.set(prefix);
  const word = (i: number) =>
    (block[4 * i] << 24) | (block[4 * i + 1] << 16) | (block[4 * i + 2] << 8) | block[4 * i + 3];
  const state = midstate(
    Int32Array.from({ length: fixed }, (_, i) => word(i)),
    fixed,
  );
  state.forEach((value, i) => {
    splat(MEMORY.midstate + 16 * i, value);
  });
  // Which bits of the hash's first two words must be zero.
  const mask = (bits: number) => (bits <= 0 ? 0 : bits >= 32 ? -1 : ~(-1 >>> bits));
  splat(MEMORY.masks, mask(difficulty));
  splat(MEMORY.masks + 16, mask(difficulty - 32));

  let table = "";
  let tried = 0;
  const count = (candidates: number) => {
    tried += candidates;
    for (; tried >= 65536; tried -= 65536) post({ tried: 65536 });
  };
  for (let n = job.start; ; ) {
    // The block that holds n: hi's digits, then lo's in `digits` digits (lo from `lo` to `end`).
    const hi = n >= LOW ? String(Math.floor(n / LOW)) : "";
    const digits = hi ? LOW_DIGITS : String(n).length;
    const lo = hi ? n % LOW : n;
    const end = 10 ** digits;
    const at = P + hi.length;
    block.fill(0, P);
    for (let i = 0; i < hi.length; i++) block[P + i] = hi.charCodeAt(i);
    block[at + digits] = 0x80;
    block[62] = ((at + digits) * 8) >>> 8;
    block[63] = ((at + digits) * 8) & 0xff;
    for (let i = 0; i < 16; i++) splat(MEMORY.words + 16 * i, word(i));
    const wA = at >> 2;
    splat(MEMORY.base, word(wA));
    splat(MEMORY.base + 16, word(wA + 1));
    if (table !== `${at & 3}/${digits}`) {
      table = `${at & 3}/${digits}`;
      fillTable(view, at & 3, digits);
    }
    const candidates = Math.ceil((end - lo) / step);
    const batches = Math.ceil(candidates / 4);
    for (let done = 0; done < batches; ) {
      const chunk = Math.min(CHUNK, batches - done);
      const hit = code(MEMORY.words + 16 * wA, lo + 4 * done * step, step, chunk);
      if (hit === chunk) {
        count(Math.min(4 * (done + chunk), candidates) - 4 * done);
        done += chunk;
        continue;
      }
      // The first lane of that batch whose hash words are zero, if it is a candidate of the block.
      for (let lane = 0; lane < 4; lane++) {
        const index = 4 * (done + hit) + lane;
        if (index < candidates && view.getInt32(MEMORY.result + 4 * lane, true) === 0) {
          count(index - 4 * done);
          post({ solution: n + index * step });
          return;
        }
      }
      count(Math.min(4 * (done + hit + 1), candidates) - 4 * done);
      done += hit + 1;
    }
    n += candidates * step;
  }
}

/**
 * Fills the digit table for low parts of `digits` digits that start `offset` bytes into a word:
 * entry lo holds lo's digit bytes (zero-padded) as the two big-endian words they fall in. The
 * entries past the end (lanes beyond a block's last candidate) are zero and never reported.
 */
function fillTable(view: DataView, offset: number, digits: number): void {
  const bytes: Bytes = new Uint8Array(8);
  const size = 10 ** digits;
  for (let lo = 0; lo < size; lo++) {
    for (let k = digits - 1, x = lo; k >= 0; k--, x = Math.floor(x / 10)) bytes[offset + k] = 0x30 + (x % 10);
    const at = MEMORY.table + 8 * lo;
    view.setInt32(at, (bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3], true);
    view.setInt32(at + 4, (bytes[4] << 24) | (bytes[5] << 16) | (bytes[6] << 8) | bytes[7], true);
  }
  new Uint8Array(view.buffer, MEMORY.table + 8 * size, 8 * 4 * MAX_STEP).fill(0);
}

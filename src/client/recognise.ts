/**
 * Recognising sealbin ciphertext (docs/encryption.md: IV ‖ AES-256-GCM ciphertext ‖ tag) without
 * its key. The format has no magic bytes — it is meant to be indistinguishable from random — so
 * that is the test: at least the format's overhead long, not text, and as varied as random bytes
 * are (the count of distinct byte values in its first 4 KiB is within five standard deviations of
 * what random bytes give). Text, and the binary files people share (which repeat bytes: headers,
 * zero padding, structure), fail it; compressed files pass it but carry magic bytes, which the
 * server reports as their type, so callers also check that the server found none.
 */
import { OVERHEAD_BYTES } from "../protocol/paste-cipher.ts";

/** How much of the content the test reads. */
export const SAMPLE_BYTES = 4096;

/** Whether `bytes` (a prefix of the content when it is cut short) decode as UTF-8. */
export function isUtf8Prefix(bytes: Uint8Array, complete: boolean): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

/** The lowest count of distinct byte values that `n` random bytes plausibly show. */
function distinctFloor(n: number): number {
  const q = (1 - 1 / 256) ** n;
  const q2 = (1 - 2 / 256) ** n;
  const expected = 256 * (1 - q);
  const variance = 256 * 255 * q2 + 256 * q - 256 * 256 * q * q;
  return Math.floor(expected - 5 * Math.sqrt(Math.max(0, variance))) - 1;
}

/**
 * Whether a paste whose content starts with `sample` and is `size` bytes long looks like sealbin
 * ciphertext. `sample` may be the whole content or its first SAMPLE_BYTES or more.
 */
export function looksLikeCiphertext(sample: Uint8Array, size: number = sample.length): boolean {
  if (size < OVERHEAD_BYTES || sample.length === 0) return false;
  const head = sample.subarray(0, SAMPLE_BYTES);
  if (isUtf8Prefix(head, head.length === size)) return false;
  const seen = new Uint8Array(256);
  let distinct = 0;
  for (const byte of head) {
    if (seen[byte] === 0) {
      seen[byte] = 1;
      distinct++;
    }
  }
  return distinct >= distinctFloor(head.length);
}

/** Whether content is binary for a terminal: a NUL byte, or not UTF-8 (curl looks for NUL alone). */
export function isBinary(sample: Uint8Array, complete: boolean): boolean {
  return sample.includes(0) || !isUtf8Prefix(sample, complete);
}

import { createHash } from "node:crypto";
import type { Config } from "../../config/config.ts";
import { unixSeconds } from "../../shared/time.ts";
import { abuseErrors } from "./abuse.errors.ts";
import type { AbuseDeps } from "./pow.usecases.ts";

/** How often each byte value occurs. */
export function byteCounts(content: Uint8Array): Uint32Array {
  const counts = new Uint32Array(256);
  for (let i = 0; i < content.length; i++) {
    const b = content[i] as number;
    counts[b] = (counts[b] as number) + 1;
  }
  return counts;
}

/** Shannon entropy in bits per byte from byte counts: ~4–5 for English text, ~8 for ciphertext. */
export function entropyOfCounts(counts: Uint32Array): number {
  let total = 0;
  for (const count of counts) total += count;
  if (total === 0) return 0;
  let entropy = 0;
  for (const count of counts) {
    if (count === 0) continue;
    const p = count / total;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

export function shannonEntropy(content: Uint8Array): number {
  return entropyOfCounts(byteCounts(content));
}

/** A content as the rules see it: its size and, when the entropy rule is on, its byte counts. */
export interface ContentStats {
  readonly size: number;
  readonly byteCounts: Uint32Array | undefined;
}

type ContentRuleConfig = Pick<Config, "minEntropy" | "minEntropySize" | "requireBinary">;

/** REQUIRE_BINARY and MIN_ENTROPY: rules that insist on encrypted content. */
export function checkContentRules(
  content: Uint8Array | ContentStats,
  mimeType: string,
  config: ContentRuleConfig,
): void {
  const stats =
    content instanceof Uint8Array ? { size: content.length, byteCounts: byteCounts(content) } : content;
  if (config.requireBinary && mimeType !== "application/octet-stream") {
    throw abuseErrors.recognizableFormat(mimeType);
  }
  if (config.minEntropy > 0 && stats.size >= config.minEntropySize) {
    if (stats.byteCounts === undefined) throw new Error("the entropy rule needs the content's byte counts");
    const entropy = entropyOfCounts(stats.byteCounts);
    if (entropy < config.minEntropy) {
      throw abuseErrors.entropyTooLow(Math.round(entropy * 100) / 100, config.minEntropy);
    }
  }
}

/**
 * Content-hash dedup: at most DEDUP_MAX identical contents per DEDUP_WINDOW, counted in the store so
 * that every process enforces one limit (in batches: write-counters.ts).
 */
export async function checkDuplicate(
  deps: AbuseDeps,
  content: Uint8Array | { sha256: string },
): Promise<void> {
  const { dedupWindow, dedupMax } = deps.config;
  const hash =
    content instanceof Uint8Array ? createHash("sha256").update(content).digest("hex") : content.sha256;
  const now = unixSeconds(deps.clock.now());
  const windowStart = now - (now % dedupWindow);
  const count = await deps.counters.increment(`dedup:${hash}`, windowStart, windowStart + dedupWindow);
  if (count > dedupMax) throw abuseErrors.duplicate(dedupMax, dedupWindow);
}

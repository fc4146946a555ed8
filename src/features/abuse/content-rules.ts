import { createHash } from "node:crypto";
import type { Config } from "../../config/config.ts";
import { unixSeconds } from "../../shared/time.ts";
import { abuseErrors } from "./abuse.errors.ts";
import type { AbuseDeps } from "./pow.usecases.ts";

/** Shannon entropy in bits per byte: ~4–5 for English text, ~8 for ciphertext. */
export function shannonEntropy(content: Uint8Array): number {
  if (content.length === 0) return 0;
  const counts = new Uint32Array(256);
  for (const byte of content) counts[byte] = (counts[byte] ?? 0) + 1;
  let entropy = 0;
  for (const count of counts) {
    if (count === 0) continue;
    const p = count / content.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

type ContentRuleConfig = Pick<Config, "minEntropy" | "minEntropySize" | "requireBinary">;

/** REQUIRE_BINARY and MIN_ENTROPY: rules that insist on encrypted content. */
export function checkContentRules(content: Uint8Array, mimeType: string, config: ContentRuleConfig): void {
  if (config.requireBinary && mimeType !== "application/octet-stream") {
    throw abuseErrors.recognizableFormat(mimeType);
  }
  if (config.minEntropy > 0 && content.length >= config.minEntropySize) {
    const entropy = shannonEntropy(content);
    if (entropy < config.minEntropy) {
      throw abuseErrors.entropyTooLow(Math.round(entropy * 100) / 100, config.minEntropy);
    }
  }
}

/**
 * Content-hash dedup: at most DEDUP_MAX identical contents per DEDUP_WINDOW, counted in the store so
 * that every process enforces one limit.
 */
export async function checkDuplicate(deps: AbuseDeps, content: Uint8Array): Promise<void> {
  const { dedupWindow, dedupMax } = deps.config;
  const hash = createHash("sha256").update(content).digest("hex");
  const now = unixSeconds(deps.clock.now());
  const windowStart = now - (now % dedupWindow);
  const count = await deps.store.incrementCounter(`dedup:${hash}`, windowStart, windowStart + dedupWindow);
  if (count > dedupMax) throw abuseErrors.duplicate(dedupMax, dedupWindow);
}

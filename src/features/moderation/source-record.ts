import { createHmac, randomBytes } from "node:crypto";
import type { Config } from "../../config/config.ts";
import type { Clock } from "../../shared/clock.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { Store } from "../../store/store.ts";

const DAY = 86_400;

/**
 * The "same source" record (SEALBIN_ABUSE_RECORD_DAYS, docs/security.md): an HMAC-SHA256, under a
 * server secret kept in the store, of the creating client's rate-limit key (its address, or its
 * IPv6 network of RATE_IPV6_PREFIX bits), never the address itself. Without the secret the hash
 * names no address; with it, an address can only be tested, not read back.
 */
export class SourceRecorder {
  private readonly deps: {
    store: Pick<Store, "abuse">;
    clock: Clock;
    config: Pick<Config, "abuseRecordDays">;
  };
  private key: Promise<string> | undefined;

  constructor(deps: SourceRecorder["deps"]) {
    this.deps = deps;
  }

  /** The record to keep with a new paste, or undefined when recording is off. */
  async recordFor(clientKey: string): Promise<{ hash: string; until: number } | undefined> {
    const days = this.deps.config.abuseRecordDays;
    if (days === 0) return undefined;
    const now = unixSeconds(this.deps.clock.now());
    this.key ??= this.deps.store.abuse.getOrCreateSecret(
      "abuse_record_key",
      randomBytes(32).toString("hex"),
      now,
    );
    let key: string;
    try {
      key = await this.key;
    } catch (err) {
      this.key = undefined;
      throw err;
    }
    return { hash: createHmac("sha256", key).update(clientKey).digest("hex"), until: now + days * DAY };
  }
}

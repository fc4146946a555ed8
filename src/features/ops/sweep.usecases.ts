import type { Config } from "../../config/config.ts";
import type { Clock } from "../../shared/clock.ts";
import type { Events } from "../../shared/events.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { Store } from "../../store/store.ts";

const BATCH = 500;

// A blob can be many chunks of a megabyte: a few at a time.
const BLOB_BATCH = 4;

async function drain(step: (limit: number) => Promise<number>, batch = BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await step(batch);
    total += deleted;
    if (deleted < batch) return total;
  }
}

/**
 * The periodic sweep: expired pastes and short URLs (quarantined ones are kept), the chunks of large
 * contents no paste holds any more (expired, or uploads given up), used proof-of-work nonces and
 * ended counters, expired same-source records and stale reports, expired API tokens, and the records
 * of uploads abandoned or completed a day ago (their chunks go with the blobs), deleted or cleared in
 * batches so no statement holds the write lock for long. Each owned paste it deletes is told to its
 * owner's webhooks (paste.expired), once: the one DELETE that removed it returned it. Idempotent, so several processes may run it
 * against one database at once.
 */
export async function sweepExpired(deps: {
  store: Pick<Store, "abuse" | "pastes" | "shortener" | "moderation" | "tokens" | "uploads">;
  clock: Clock;
  config: Pick<Config, "reportRetentionDays">;
  /** paste.expired for each owned paste the sweep deletes (its owner's webhooks). */
  events?: Pick<Events, "pasteEvent">;
}): Promise<{
  pastes: number;
  blobs: number;
  shortUrls: number;
  ephemera: number;
  sources: number;
  reports: number;
  tokens: number;
  uploads: number;
}> {
  const now = unixSeconds(deps.clock.now());
  const { moderation } = deps.store;
  const resolvedBefore = now - deps.config.reportRetentionDays * 86_400;
  return {
    pastes: await drain(async (limit) => {
      const expired = await deps.store.pastes.deleteExpiredPastes(now, limit);
      for (const paste of expired) {
        // Only an owner's paste can have webhooks: an anonymous one costs nothing here.
        if (paste.owner !== null) await deps.events?.pasteEvent("paste.expired", paste);
      }
      return expired.length;
    }),
    blobs: await drain((limit) => deps.store.pastes.reapBlobs(now, limit), BLOB_BATCH),
    shortUrls: await drain((limit) => deps.store.shortener.deleteExpiredShortUrls(now, limit)),
    ephemera: await drain((limit) => deps.store.abuse.deleteExpiredEphemera(now, limit)),
    // Same-source records past SEALBIN_ABUSE_RECORD_DAYS, and reports (with any key they hold) whose
    // target is gone or that were resolved REPORT_RETENTION_DAYS ago.
    sources: await drain((limit) => moderation.forgetSources(now, limit)),
    reports: await drain((limit) => moderation.deleteStaleReports(resolvedBefore, limit)),
    tokens: await drain((limit) => deps.store.tokens.deleteExpiredTokens(now, limit)),
    uploads: await drain((limit) => deps.store.uploads.deleteExpiredUploads(now, limit)),
  };
}

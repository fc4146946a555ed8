import type { Clock } from "../../shared/clock.ts";
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
 * The periodic sweep: expired pastes and short URLs, the chunks of large contents no paste holds any
 * more (expired, or uploads given up), used proof-of-work nonces and ended counters, deleted in
 * batches so no statement holds the write lock for long. Idempotent, so several processes may run it
 * against one database at once.
 */
export async function sweepExpired(deps: {
  store: Pick<Store, "abuse" | "pastes" | "shortener">;
  clock: Clock;
}): Promise<{ pastes: number; blobs: number; shortUrls: number; ephemera: number }> {
  const now = unixSeconds(deps.clock.now());
  return {
    pastes: await drain((limit) => deps.store.pastes.deleteExpiredPastes(now, limit)),
    blobs: await drain((limit) => deps.store.pastes.reapBlobs(now, limit), BLOB_BATCH),
    shortUrls: await drain((limit) => deps.store.shortener.deleteExpiredShortUrls(now, limit)),
    ephemera: await drain((limit) => deps.store.abuse.deleteExpiredEphemera(now, limit)),
  };
}

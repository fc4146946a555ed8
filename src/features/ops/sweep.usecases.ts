import type { Clock } from "../../shared/clock.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { Store } from "../../store/store.ts";

const BATCH = 500;

async function drain(step: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await step(BATCH);
    total += deleted;
    if (deleted < BATCH) return total;
  }
}

/**
 * The periodic sweep: expired pastes and short URLs, used proof-of-work nonces and ended counters, deleted in
 * batches so no statement holds the write lock for long. Idempotent, so several processes may run it
 * against one database at once.
 */
export async function sweepExpired(deps: {
  store: Store;
  clock: Clock;
}): Promise<{ pastes: number; shortUrls: number; ephemera: number }> {
  const now = unixSeconds(deps.clock.now());
  return {
    pastes: await drain((limit) => deps.store.deleteExpiredPastes(now, limit)),
    shortUrls: await drain((limit) => deps.store.deleteExpiredShortUrls(now, limit)),
    ephemera: await drain((limit) => deps.store.deleteExpiredEphemera(now, limit)),
  };
}

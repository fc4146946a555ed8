import type { Config } from "../../config/config.ts";
import type { Clock } from "../../shared/clock.ts";
import { randomBase62Id } from "../../shared/ids.ts";
import type { Metrics } from "../../shared/metrics.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { ShortUrlRecord, Store } from "../../store/store.ts";
import type { Caller } from "../identity/identity.models.ts";
import { moderationErrors } from "../moderation/moderation.errors.ts";
import type { WriteSwitch } from "../moderation/writes.ts";
import type { AuditLog } from "../pki/audit.ts";
import type { ClickBuffer } from "./clicks.ts";
import { shortErrors } from "./shortener.errors.ts";
import { type SelfLocation, SHORT_ID_PATTERN, validateTarget } from "./shortener.models.ts";

export interface ShortenerDeps {
  readonly config: Config;
  readonly store: Pick<Store, "shortener">;
  readonly clock: Clock;
  readonly clicks: ClickBuffer;
  readonly metrics?: Metrics;
  /** The write switch (open, identified, closed), asked before anything else. */
  readonly writes: Pick<WriteSwitch, "check">;
  /** The audit log: an admin deleting a short URL it does not own is recorded there. */
  readonly audit: Pick<AuditLog, "record">;
}

export async function createShortUrl(
  deps: ShortenerDeps,
  input: { url: string; caller: Caller; expirySeconds: number | undefined; self: SelfLocation },
): Promise<ShortUrlRecord> {
  await deps.writes.check(input.caller);
  const target = validateTarget(input.url, deps.config.shortUrlMax, input.self);
  const now = unixSeconds(deps.clock.now());
  for (let attempt = 0; attempt < 8; attempt++) {
    const record = {
      id: randomBase62Id(deps.config.shortIdLength),
      target,
      owner: input.caller.fingerprint,
      createdAt: now,
      expiresAt: input.expirySeconds === undefined ? null : now + input.expirySeconds,
    };
    if (await deps.store.shortener.insertShortUrl(record)) {
      deps.metrics?.shortUrl("created");
      return { ...record, clicks: 0, quarantinedAt: null };
    }
  }
  throw new Error("could not draw a free short-URL id in 8 attempts");
}

/** A live short URL; a quarantined one answers 451 (`admin`: found all the same, for its deletion). */
async function findLive(deps: ShortenerDeps, id: string, admin = false): Promise<ShortUrlRecord> {
  if (!SHORT_ID_PATTERN.test(id)) throw shortErrors.notFound();
  const found = await deps.store.shortener.findShortUrl(id, unixSeconds(deps.clock.now()));
  if (!found) throw shortErrors.notFound();
  if (found.quarantinedAt !== null && !admin) throw moderationErrors.quarantined();
  return found;
}

/** GET /s/{id}: the target, and one more click (buffered). */
export async function followShortUrl(deps: ShortenerDeps, id: string, count: boolean): Promise<string> {
  const found = await findLive(deps, id);
  if (count) {
    deps.clicks.record(found.id);
    deps.metrics?.shortUrl("followed");
  }
  return found.target;
}

/** GET /s/{id}/info, with the clicks this process has not written yet. */
export async function shortUrlInfo(deps: ShortenerDeps, id: string): Promise<ShortUrlRecord> {
  const found = await findLive(deps, id);
  return { ...found, clicks: found.clicks + deps.clicks.pendingFor(found.id) };
}

export async function deleteShortUrl(deps: ShortenerDeps, id: string, caller: Caller): Promise<void> {
  if (caller.fingerprint === null) throw shortErrors.authenticationRequired();
  const found = await findLive(deps, id, caller.isAdmin);
  const owned = found.owner === caller.fingerprint;
  if (!owned && !caller.isAdmin) throw shortErrors.permissionDenied();
  if (!(await deps.store.shortener.deleteShortUrl(found.id))) throw shortErrors.notFound();
  if (!owned) await deps.audit.record("ADMIN_DELETED", caller.fingerprint, { kind: "short", target: id });
}

export async function listShortUrls(
  deps: ShortenerDeps,
  caller: Caller,
  options: { all: boolean; limit: number; offset: number },
) {
  if (caller.fingerprint === null) throw shortErrors.authenticationRequired();
  if (options.all && !caller.isAdmin) throw shortErrors.adminRequired();
  const page = await deps.store.shortener.listShortUrls(
    options.all ? null : caller.fingerprint,
    unixSeconds(deps.clock.now()),
    options.limit,
    options.offset,
  );
  return {
    items: page.items.map((u) => ({ ...u, clicks: u.clicks + deps.clicks.pendingFor(u.id) })),
    total: page.total,
  };
}

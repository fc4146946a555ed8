import type { Config } from "../../config/config.ts";
import type { TrustLevel } from "../../shared/caller.ts";
import type { Clock } from "../../shared/clock.ts";
import type { Events } from "../../shared/events.ts";
import { randomHexId } from "../../shared/ids.ts";
import { unixSeconds } from "../../shared/time.ts";
import { BlobGone, ContentBlocked, type PasteMeta, type Store } from "../../store/store.ts";
import { checkContentRules, checkDuplicate } from "../abuse/content-rules.ts";
import type { WriteCounters } from "../abuse/write-counters.ts";
import { moderationErrors } from "../moderation/moderation.errors.ts";
import type { ReceivedContent } from "./pastes.content.ts";
import { pasteErrors } from "./pastes.errors.ts";
import { detectMimeType } from "./pastes.mime.ts";
import { defaultExpiryFor } from "./pastes.models.ts";

/**
 * What a new paste is to be, decided before its content arrived: by POST / from its headers, by a
 * resumable upload when it was created (features/uploads). The password's hash and the source
 * record are asked for only once the content has passed its checks (hashing costs).
 */
export interface PasteSettings {
  readonly owner: string | null;
  /** The most bytes it may hold: MAX_ANON or MAX_AUTH by POST /, MAX_FILE for an owner's upload. */
  readonly maxSize: number;
  readonly trustLevel: TrustLevel;
  readonly maxViews: number | null;
  /** A custom, fixed expiry in seconds (validated and capped), or undefined for the default. */
  readonly expirySeconds: number | undefined;
  readonly passwordHash: () => Promise<string | null>;
  readonly source: () => Promise<{ hash: string; until: number } | undefined>;
}

export interface StoreDeps {
  readonly store: Pick<Store, "abuse" | "pastes">;
  readonly counters: WriteCounters;
  readonly clock: Clock;
  readonly config: Config;
  readonly events?: Events;
}

/**
 * The checks a received content must pass (size, content rules, dedup), then the paste row: one
 * place for POST / and for completed uploads. Chunks, if any, are written already; the row claims
 * them (a blocked hash is refused in the statement that stores it).
 */
export async function storeReceived(
  deps: StoreDeps,
  settings: PasteSettings,
  content: ReceivedContent,
  declaredType: string | undefined,
): Promise<PasteMeta> {
  const { config, store, clock } = deps;
  const { size } = content;
  const identified = settings.owner !== null;
  if (size === 0) throw pasteErrors.noContent();
  const maxSize = settings.maxSize;
  if (size > maxSize) throw pasteErrors.tooLarge(size, maxSize, identified);
  if (size < config.minSize) throw pasteErrors.tooSmall(size, config.minSize);

  const mimeType = await detectMimeType(content.head, declaredType, () => content.validUtf8);
  checkContentRules(content, mimeType, config);
  // Counted last, so that only contents that would otherwise be stored use up the allowance.
  await checkDuplicate(deps, content);
  const passwordHash = await settings.passwordHash();
  const now = unixSeconds(clock.now());
  const idleTtl = settings.expirySeconds === undefined ? defaultExpiryFor(settings.trustLevel, config) : null;
  const base = {
    owner: settings.owner,
    mimeType,
    size,
    createdAt: now,
    expiresAt: now + (settings.expirySeconds ?? idleTtl ?? 0),
    idleTtl,
    burnAfterRead: settings.maxViews === 1,
    passwordHash,
    quarantinedAt: null,
    maxViews: settings.maxViews,
    viewsLeft: settings.maxViews,
  };
  const recorded = { sha256: content.sha256, source: await settings.source() };
  // 48 bits of id space at the default length: a collision is rare, and a retry settles it.
  for (let attempt = 0; attempt < 8; attempt++) {
    const paste = { ...base, id: randomHexId(config.idLength) };
    try {
      if (await store.pastes.insertPaste({ ...paste, ...recorded, content: content.stored })) {
        await deps.events?.instanceEvent("paste.created", paste);
        return paste;
      }
    } catch (err) {
      if (err instanceof BlobGone) throw pasteErrors.uploadExpired();
      if (err instanceof ContentBlocked) throw moderationErrors.blocked();
      throw err;
    }
  }
  throw new Error("could not draw a free paste id in 8 attempts");
}

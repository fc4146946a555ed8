import type { Readable } from "node:stream";
import type { Config } from "../../config/config.ts";
import { MAX_VIEWS } from "../../protocol/vocabulary.ts";
import type { Clock } from "../../shared/clock.ts";
import type { Events } from "../../shared/events.ts";
import { contentPassed } from "../../shared/memory.ts";
import type { Metrics } from "../../shared/metrics.ts";
import { unixSeconds } from "../../shared/time.ts";
import { isChunked, type PasteMeta, type Store, type StoredContent } from "../../store/store.ts";
import { abuseErrors } from "../abuse/abuse.errors.ts";
import type { ProofOfWork } from "../abuse/pow.usecases.ts";
import { rateLimitKey } from "../abuse/ratelimit.ts";
import type { WriteCounters } from "../abuse/write-counters.ts";
import type { Caller } from "../identity/identity.models.ts";
import { moderationErrors } from "../moderation/moderation.errors.ts";
import type { SourceRecorder } from "../moderation/source-record.ts";
import type { WriteSwitch } from "../moderation/writes.ts";
import type { AuditLog } from "../pki/audit.ts";
import {
  BURN_STREAM_GRACE_SECONDS,
  ContentIntake,
  contentRangeStream,
  contentStream,
} from "./pastes.content.ts";
import { pasteErrors } from "./pastes.errors.ts";
import { isValidPasteId, nextSlidingDeadline, parseMaxViews } from "./pastes.models.ts";
import {
  type HashingClient,
  hashPassword,
  PASSWORD_MAX_CHARS,
  passwordLength,
  verifyPassword,
} from "./pastes.password.ts";
import { type ByteRange, etagOf, rangeOf, rangeStillValid } from "./pastes.range.ts";
import { type PasteSettings, storeReceived } from "./pastes.store.ts";

export interface PasteDeps {
  readonly store: Pick<Store, "abuse" | "pastes">;
  /** The write path's counters, batched (features/abuse/write-counters.ts). */
  readonly counters: WriteCounters;
  readonly clock: Clock;
  readonly config: Config;
  readonly metrics?: Metrics;
  /** The audit log: an admin deleting a paste it does not own is recorded there. */
  readonly audit: Pick<AuditLog, "record">;
  /** Webhooks' events (src/shared/events.ts): an owned paste's reads and deletion, every creation. */
  readonly events?: Events;
}

/** The most bytes this caller may store in one paste. */
export function maxSizeFor(caller: Caller, config: Config): number {
  return caller.fingerprint === null ? config.maxAnon : config.maxAuth;
}

/** The most bytes of a resumable upload by `owner` (null: anonymous): MAX_FILE when identified. */
export function maxUploadFor(owner: string | null, config: Config): number {
  return owner === null ? config.maxAnon : Math.max(config.maxAuth, config.maxFile);
}

/**
 * The client as the password rules count it: the rate-limit key of its address, so that one host, or
 * one IPv6 network of RATE_IPV6_PREFIX bits, is one client whichever process it reaches.
 */
export type ClientKey = string & { readonly __brand: "ClientKey" };

export function clientKeyOf(clientIp: string, config: Config): ClientKey {
  return rateLimitKey(clientIp, config.rateIpv6Prefix) as ClientKey;
}

/** What a read brings to a password-protected paste: X-Paste-Password's bytes, and who is asking. */
export interface PasteAccess {
  readonly password: Uint8Array | undefined;
  readonly clientKey: ClientKey;
}

function hashingClient(config: Config, clientKey: ClientKey): HashingClient {
  return { key: clientKey, maxHashes: config.passwordHashesPerClient };
}

/** Rejects an over-long password before any hashing is spent on it. */
export function checkPasswordLength(password: Uint8Array | undefined): void {
  if (password !== undefined && passwordLength(password) > PASSWORD_MAX_CHARS) {
    throw pasteErrors.passwordTooLong(PASSWORD_MAX_CHARS);
  }
}

/**
 * Reads a request's body into `intake` (pastes.body.ts: raw, JSON or multipart) and returns the
 * Content-Type the client declared for the content; throws the documented 413 past `limit`.
 */
export type PasteBodyReader = (
  intake: ContentIntake,
  limit: number,
  authenticated: boolean,
) => Promise<string | undefined>;

export interface CreatePasteInput {
  readonly caller: Caller;
  /** Whose hash the password's is: a client's creates and reads share its PASSWORD_HASHES_PER_CLIENT. */
  readonly clientKey: ClientKey;
  /** X-PoW-Token and X-PoW-Solution, checked before a byte of the body is read. */
  readonly proofOfWork: { readonly token: string | undefined; readonly solution: string | undefined };
  /** The views it may be read (viewLimitOf: X-Max-Views, X-Burn-After-Read), or null: unlimited. */
  readonly maxViews: number | null;
  /** A custom, fixed expiry in seconds (already validated and capped), or undefined for the default. */
  readonly expirySeconds: number | undefined;
  readonly password: Uint8Array | undefined;
  /** The request's body; undefined when it has none (an empty paste: 400). */
  readonly body: PasteBodyReader | undefined;
}

export interface CreatePasteDeps extends PasteDeps {
  readonly pow: Pick<ProofOfWork, "verify" | "recordCreation">;
  /** The write switch (open, identified, closed), asked before anything else. */
  readonly writes: Pick<WriteSwitch, "check">;
  /** The same-source record kept with each paste while SEALBIN_ABUSE_RECORD_DAYS says so. */
  readonly sources: Pick<SourceRecorder, "recordFor">;
}

/** An intake for the caller's next paste: its size limit, and byte counts when the entropy rule needs them. */
function newIntake(deps: PasteDeps, caller: Caller): ContentIntake {
  const now = unixSeconds(deps.clock.now());
  return new ContentIntake(deps.store, maxSizeFor(caller, deps.config), now, {
    countBytes: deps.config.minEntropy > 0,
  });
}

/**
 * POST /: checks the password's length and the proof-of-work before a byte of the body is read (a
 * client that skipped the work costs nothing more), streams the content in (ContentIntake), checks
 * it and stores it as a paste, and counts the creation for anti-flood. Whatever fails after the
 * body started, the chunks already written are deleted.
 */
export async function createPaste(deps: CreatePasteDeps, input: CreatePasteInput): Promise<PasteMeta> {
  const { caller } = input;
  await deps.writes.check(caller);
  checkPasswordLength(input.password);
  await deps.pow.verify(input.proofOfWork.token, input.proofOfWork.solution);
  const intake = newIntake(deps, caller);
  let paste: PasteMeta;
  deps.metrics?.upload(1);
  try {
    const declaredType = await input.body?.(
      intake,
      maxSizeFor(caller, deps.config),
      caller.fingerprint !== null,
    );
    paste = await storeReceived(deps, settingsOf(deps, input), await intake.finish(), declaredType);
  } catch (err) {
    await intake.discard();
    throw err;
  } finally {
    deps.metrics?.upload(-1);
  }
  await deps.pow.recordCreation();
  deps.metrics?.paste("created");
  return paste;
}

/** POST /'s settings for storeReceived: the caller's, and its password hashed once the content passed. */
function settingsOf(deps: CreatePasteDeps, input: CreatePasteInput): PasteSettings {
  return {
    owner: input.caller.fingerprint,
    maxSize: maxSizeFor(input.caller, deps.config),
    trustLevel: input.caller.trustLevel,
    maxViews: input.maxViews,
    expirySeconds: input.expirySeconds,
    passwordHash: () => passwordHashFor(deps.config, input.password, input.clientKey),
    source: () => deps.sources.recordFor(input.clientKey),
  };
}

/** The stored hash of a new paste's password (null without one), counted against the client's hashes. */
export function passwordHashFor(
  config: Config,
  password: Uint8Array | undefined,
  clientKey: ClientKey,
): Promise<string | null> {
  return password === undefined
    ? Promise.resolve(null)
    : hashPassword(password, hashingClient(config, clientKey));
}

/**
 * The views a new paste may be read, from X-Max-Views and X-Burn-After-Read (on: one view), or null
 * for no limit. Refused with 400, before anything is read or stored: an X-Max-Views that is not 1 to
 * MAX_VIEWS, or one that says other than 1 beside X-Burn-After-Read on.
 */
export function viewLimitOf(maxViewsHeader: string | undefined, burnAfterRead: boolean): number | null {
  const maxViews = parseMaxViews(maxViewsHeader, MAX_VIEWS);
  if (Number.isNaN(maxViews)) throw pasteErrors.invalidMaxViews();
  if (burnAfterRead && maxViews !== undefined && maxViews !== 1) throw pasteErrors.viewLimitConflict();
  return maxViews ?? (burnAfterRead ? 1 : null);
}

function requireValidId(id: string, config: Config): void {
  if (!isValidPasteId(id, config.idLength)) throw pasteErrors.invalidId();
}

/** The RATE_WINDOW-long window that `now` falls in, aligned as the other rate limits' are. */
function windowAt(now: number, windowSeconds: number): { start: number; end: number } {
  const start = now - (now % windowSeconds);
  return { start, end: start + windowSeconds };
}

/**
 * Checks the password of a protected paste. Wrong passwords are counted per client in the store, so
 * every process agrees: at RATE_PASSWORD_MAX in a window, that client's further guesses are refused
 * before any hashing, the right password included (a guess must learn nothing), until the window ends.
 */
async function requirePassword(deps: PasteDeps, paste: PasteMeta, access: PasteAccess): Promise<void> {
  if (paste.passwordHash === null) return;
  const { password, clientKey } = access;
  if (password === undefined) throw pasteErrors.passwordRequired();
  checkPasswordLength(password);
  const { config, store, clock } = deps;
  const guarded = config.ratePasswordMax > 0;
  const counter = `pw403:${clientKey}`;
  if (guarded) {
    const now = unixSeconds(clock.now());
    const window = windowAt(now, config.rateWindow);
    if ((await store.abuse.readCounter(counter, window.start)) >= config.ratePasswordMax) {
      deps.metrics?.rateLimit("password");
      throw abuseErrors.rateLimited(window.end - now);
    }
  }
  if (await verifyPassword(password, paste.passwordHash, hashingClient(config, clientKey))) return;
  if (guarded) {
    // The window the failure is known in: a hash that waited in the queue may have crossed a boundary.
    const window = windowAt(unixSeconds(clock.now()), config.rateWindow);
    await store.abuse.incrementCounter(counter, window.start, window.end);
  }
  throw pasteErrors.invalidPassword();
}

/**
 * Every read pushes a sliding deadline forward, writing only when it has moved by a minute or more.
 * Returns the paste with the deadline now in force.
 */
async function touch(deps: PasteDeps, paste: PasteMeta, now: number): Promise<PasteMeta> {
  const next = nextSlidingDeadline(paste, now);
  if (next === undefined) return paste;
  await deps.store.pastes.touchPaste(paste.id, next);
  return { ...paste, expiresAt: next };
}

/** GET /{id}: metadata. Never counts a view. */
export async function getPasteMeta(
  deps: PasteDeps,
  id: string,
  access: PasteAccess,
  options: { touch: boolean },
): Promise<PasteMeta> {
  requireValidId(id, deps.config);
  const now = unixSeconds(deps.clock.now());
  const paste = await deps.store.pastes.findPaste(id, now);
  if (!paste) throw pasteErrors.notFound();
  if (paste.quarantinedAt !== null) throw moderationErrors.quarantined();
  await requirePassword(deps, paste, access);
  return options.touch ? touch(deps, paste, now) : paste;
}

/**
 * A paste's content for the response: `paste.size` bytes at once (inline), or streamed chunk by
 * chunk. `paste.viewsLeft` is the count after this read: 0 when it was the last, and deleted the paste.
 */
export interface PasteContent {
  readonly paste: PasteMeta;
  readonly source: Buffer | Readable;
  /** The part of the content `source` is, when a Range asked for one. */
  readonly range?: ByteRange;
}

/**
 * GET /{id}/raw: the content. Each read of a limited paste counts one view (X-Max-Views; burn-after-
 * read is one view), and the read that takes the last deletes the paste. A large paste's chunks stay
 * readable for the downloads under way then: a burned one's until its one download ends, a paste of
 * several views' until the sweep reaps them after BURN_STREAM_GRACE_SECONDS (an earlier view may
 * still be streaming when the last one ends).
 */
export async function readPasteContent(
  deps: PasteDeps,
  id: string,
  access: PasteAccess,
  /** Range and If-Range as sent (one header each), for a paste without a view limit. */
  ranges: { readonly range?: string | undefined; readonly ifRange?: string | undefined } = {},
): Promise<PasteContent> {
  const { paste, content } = await claimContent(deps, id, access);
  // A range of a paste without a view limit only: one with a limit counts once and is served whole.
  const range =
    paste.viewsLeft === null && ranges.range !== undefined && rangeStillValid(ranges.ifRange, etagOf(paste))
      ? rangeOf(ranges.range, paste.size)
      : undefined;
  if (range === "unsatisfiable") throw pasteErrors.rangeNotSatisfiable(paste.size);
  deps.metrics?.paste("read");
  // An anonymous paste has no webhooks: its reads cost no event.
  if (paste.owner !== null) await deps.events?.pasteEvent("paste.read", paste);
  const spent = paste.viewsLeft === 0;
  if (spent) deps.metrics?.paste("burned");
  if (!isChunked(content)) {
    contentPassed(content.byteLength);
    const whole = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    return range
      ? { paste, range, source: whole.subarray(range.start, range.end + 1) }
      : { paste, source: whole };
  }
  if (range) return { paste, range, source: contentRangeStream(deps.store, content, range.start, range.end) };
  const release =
    spent && paste.maxViews === 1 ? () => deps.store.pastes.dropBlob(content.blobId) : undefined;
  return { paste, source: contentStream(deps.store, content, paste.size, release) };
}

async function claimContent(
  deps: PasteDeps,
  id: string,
  access: PasteAccess,
): Promise<{ paste: PasteMeta; content: StoredContent }> {
  requireValidId(id, deps.config);
  const now = unixSeconds(deps.clock.now());
  const paste = await deps.store.pastes.readPaste(id, now);
  if (!paste) throw pasteErrors.notFound();
  if (paste.quarantinedAt !== null) throw moderationErrors.quarantined();
  if (paste.content !== undefined) {
    await touch(deps, paste, now);
    return { paste, content: paste.content };
  }
  // A request that fails the password check must not count a view: check first, then claim.
  await requirePassword(deps, paste, access);
  if (paste.viewsLeft === null) {
    const content = await deps.store.pastes.readContent(id, now);
    // Gone in between: someone deleted it, or an admin quarantined it.
    if (content === undefined) throw pasteErrors.notFound();
    await touch(deps, paste, now);
    return { paste, content };
  }
  const claimed = await deps.store.pastes.claimView(id, now, now + BURN_STREAM_GRACE_SECONDS);
  // Gone in between: other readers took its last views, someone deleted it, or it was quarantined.
  if (claimed === undefined) throw pasteErrors.notFound();
  const counted = { ...paste, viewsLeft: claimed.viewsLeft };
  if (claimed.viewsLeft > 0) await touch(deps, counted, now);
  return { paste: counted, content: claimed.content };
}

/** DELETE /{id}: the owner or an admin; a quarantined paste only an admin (it is kept as evidence). */
export async function deletePaste(deps: PasteDeps, id: string, caller: Caller): Promise<void> {
  requireValidId(id, deps.config);
  if (caller.fingerprint === null) throw pasteErrors.authenticationRequired();
  const paste = await deps.store.pastes.findPaste(id, unixSeconds(deps.clock.now()));
  if (!paste) throw pasteErrors.notFound();
  const owned = paste.owner === caller.fingerprint;
  if (!owned && !caller.isAdmin) throw pasteErrors.permissionDenied();
  if (paste.quarantinedAt !== null && !caller.isAdmin) throw moderationErrors.quarantined();
  if (!(await deps.store.pastes.deletePaste(id))) throw pasteErrors.notFound();
  if (!owned) await deps.audit.record("ADMIN_DELETED", caller.fingerprint, { kind: "paste", target: id });
  await deps.events?.pasteEvent("paste.deleted", paste);
}

/** GET /pastes: the caller's live pastes, or with `all` (admins only) everyone's. */
export async function listPastes(
  deps: PasteDeps,
  caller: Caller,
  options: { all: boolean; limit: number; offset: number },
) {
  if (caller.fingerprint === null) throw pasteErrors.authenticationRequired();
  if (options.all && !caller.isAdmin) throw pasteErrors.adminRequired();
  const now = unixSeconds(deps.clock.now());
  const page = await deps.store.pastes.listPastes(
    options.all ? null : caller.fingerprint,
    now,
    options.limit,
    options.offset,
  );
  return { pastes: page.items, total: page.total };
}

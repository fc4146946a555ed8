/**
 * The Store port, in one part per feature. The shared SQL store (sql/) implements it on both
 * backends and passes store.test-suite.ts; nothing outside src/store/ knows SQL. All times are whole
 * Unix seconds. The accounts' and moderation's parts are in store.<feature>.types.ts, re-exported here.
 */

import type { AccountStore } from "./store.accounts.types.ts";
import type { ModerationStore } from "./store.moderation.types.ts";
import type { TokenStore } from "./store.tokens.types.ts";
import type { UploadStore } from "./store.uploads.types.ts";
import type { WebhookStore } from "./store.webhooks.types.ts";

export * from "./store.accounts.types.ts";
export type * from "./store.moderation.types.ts";
export type * from "./store.tokens.types.ts";
export type * from "./store.uploads.types.ts";
export type * from "./store.webhooks.types.ts";

export interface PasteMeta {
  readonly id: string;
  /** SHA1 fingerprint of the owner's certificate, or null for an anonymous paste. */
  readonly owner: string | null;
  readonly mimeType: string;
  readonly size: number;
  readonly createdAt: number;
  /** The deadline in force: fixed for a custom expiry, pushed forward on access otherwise. */
  readonly expiresAt: number;
  /** Sliding expiry in seconds, counted from the last access; null when expiresAt is fixed. */
  readonly idleTtl: number | null;
  /** A paste of one view (X-Burn-After-Read, or X-Max-Views: 1): maxViews === 1. */
  readonly burnAfterRead: boolean;
  readonly passwordHash: string | null;
  /** When an admin quarantined it (readers get 451; the sweep keeps it), or null. */
  readonly quarantinedAt: number | null;
  /** The views it was created with (X-Max-Views, 1 to MAX_VIEWS), or null: unlimited. */
  readonly maxViews: number | null;
  /** The views it has left (null: unlimited); the view that takes the last one deletes it. */
  readonly viewsLeft: number | null;
}

/**
 * Content too large to sit in the paste row: fixed-size chunks in their own table, written while the
 * upload streams in and read one at a time while the download streams out.
 */
export interface ChunkedContent {
  readonly blobId: string;
}

/** A paste's content: the bytes themselves (small pastes) or a reference to its chunks. */
export type StoredContent = Uint8Array | ChunkedContent;

export function isChunked(content: StoredContent): content is ChunkedContent {
  return !(content instanceof Uint8Array);
}

/** insertPaste found the upload's blob already reaped (an upload that outlived its grace period). */
export class BlobGone extends Error {
  constructor() {
    super("the uploaded content was reaped before its paste was stored");
  }
}

/** insertPaste found the content's hash on the blocklist: nothing was stored. */
export class ContentBlocked extends Error {
  constructor() {
    super("the content's hash is on the blocklist");
  }
}

export interface NewPaste extends Omit<PasteMeta, "quarantinedAt" | "maxViews" | "viewsLeft"> {
  /**
   * Its views (1 to MAX_VIEWS), or null or absent for none: absent, burnAfterRead means 1. The
   * stored burn_after_read follows it (1 iff one view), whatever burnAfterRead says.
   */
  readonly maxViews?: number | null;
  /** Chunked content must have been opened with `openBlob` and fully written first. */
  readonly content: StoredContent;
  /** The content's SHA-256, hex: checked against the blocklist in the statement that stores it. */
  readonly sha256?: string;
  /** The keyed hash of the creating address and how long it is kept (SEALBIN_ABUSE_RECORD_DAYS). */
  readonly source?: { readonly hash: string; readonly until: number };
}

/** A paste as read for serving: `content` is filled in only when no password and no view limit guard it. */
export interface PasteForRead extends PasteMeta {
  readonly content: StoredContent | undefined;
}

/** One view of a limited paste, claimed: its content, and the views left after it (0: deleted). */
export interface ClaimedView {
  readonly content: StoredContent;
  readonly viewsLeft: number;
}

export interface CaRecord {
  readonly commonName: string;
  readonly certificatePem: string;
  /** The CA private key, encrypted with PKI_CA_PASSWORD: never stored in the clear. */
  readonly encryptedKey: string;
  readonly fingerprint: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface CertificateRecord {
  readonly serial: string;
  readonly commonName: string;
  readonly fingerprint: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Fingerprint of whoever had it issued, or null. */
  readonly issuedTo: string | null;
  readonly status: "valid" | "revoked";
  readonly revokedAt: number | null;
  readonly isAdmin: boolean;
}

export type NewCertificate = Omit<CertificateRecord, "status" | "revokedAt" | "isAdmin">;

export interface AuditEvent {
  readonly id: number;
  readonly at: number;
  readonly event: string;
  readonly actor: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface ShortUrlRecord {
  readonly id: string;
  readonly target: string;
  readonly owner: string | null;
  readonly createdAt: number;
  /** null: never expires. */
  readonly expiresAt: number | null;
  readonly clicks: number;
  /** When an admin quarantined it (followers get 451; the sweep keeps it), or null. */
  readonly quarantinedAt: number | null;
}

export type NewShortUrl = Omit<ShortUrlRecord, "clicks" | "quarantinedAt">;

export interface FunctionClient {
  /** The client's X25519 public key, base64 (32 bytes). */
  readonly publicKey: string;
  /** SHA-256 of the client's hex secret, hex: the secret itself is never stored. */
  readonly secretHash: string;
  readonly createdAt: number;
}

export interface Page<T> {
  readonly items: T[];
  readonly total: number;
}

/** Pastes, their chunked blobs and the owner listings. */
export interface PasteStore {
  /**
   * Stores a new paste; false when the id is taken (the caller draws another). Chunked content is
   * claimed in the same transaction; it throws BlobGone if the blob was reaped first, and
   * ContentBlocked (storing nothing) when `sha256` is on the blocklist.
   */
  insertPaste(paste: NewPaste): Promise<boolean>;
  /**
   * The paste's metadata, unless it is missing or expired at `now` (a quarantined paste is found
   * whatever its expiry: it answers 451). Reads of content never return a quarantined paste's.
   */
  findPaste(id: string, now: number): Promise<PasteMeta | undefined>;
  /** Metadata and, for a paste with neither password nor view limit, its content: one round trip. */
  readPaste(id: string, now: number): Promise<PasteForRead | undefined>;
  /** The content of an unlimited paste, unless it is missing or expired at `now` (limited: claimView). */
  readContent(id: string, now: number): Promise<StoredContent | undefined>;
  /**
   * Counts one view of a limited paste and returns its content, in one atomic step: of concurrent
   * callers on a paste with N views left, exactly N get it, on any number of processes. The view
   * that takes the last one deletes the paste; its chunked content stays readable until `dropBlob`
   * (or the sweep, after `graceUntil`). Undefined for a missing, expired, quarantined, spent or
   * unlimited paste.
   */
  claimView(id: string, now: number, graceUntil: number): Promise<ClaimedView | undefined>;
  /** claimView's content alone: for a paste of one view, its burn. */
  burnPaste(id: string, now: number, graceUntil: number): Promise<StoredContent | undefined>;
  /** Starts a blob for content being uploaded; unclaimed by a paste, the sweep reaps it after `reapAfter`. */
  openBlob(blobId: string, reapAfter: number): Promise<void>;
  /** Appends chunk number `seq` (0, 1, 2, …) to a blob. */
  writeChunk(blobId: string, seq: number, data: Uint8Array): Promise<void>;
  /** Chunk number `seq`, or undefined past the end or once the blob is gone. */
  readChunk(blobId: string, seq: number): Promise<Uint8Array | undefined>;
  /** Each chunk's length in bytes, in order (a range download finds its first chunk with them). */
  chunkLengths(blobId: string): Promise<number[]>;
  /** Deletes a blob and its chunks now (an upload given up, a burned paste served). */
  dropBlob(blobId: string): Promise<void>;
  /** Deletes up to `limit` blobs no paste holds whose time is up at `now`; returns how many. */
  reapBlobs(now: number, limit: number): Promise<number>;
  /** Moves a sliding deadline forward (no effect on a fixed one). */
  touchPaste(id: string, expiresAt: number): Promise<void>;
  deletePaste(id: string): Promise<boolean>;
  /** Deletes up to `limit` pastes expired at `now`; returns each one's id and owner (its webhooks' concern). */
  deleteExpiredPastes(now: number, limit: number): Promise<readonly ExpiredPaste[]>;
  /** Live pastes of `owner` (all pastes when null), newest first. */
  listPastes(owner: string | null, now: number, limit: number, offset: number): Promise<Page<PasteMeta>>;
}

/** Secrets, single-use nonces, windowed counters and shared state: what the abuse defences keep. */
export interface AbuseStore {
  /**
   * The secret stored under `name`; the first caller's `candidate` becomes it, so every process
   * and every restart agrees on one value.
   */
  getOrCreateSecret(name: string, candidate: string, now: number): Promise<string>;
  /** Records a single-use nonce; false when it was used before (by any process). */
  consumeNonce(nonce: string, expiresAt: number): Promise<boolean>;
  /**
   * Counts one more event for `key` in the fixed window starting at `windowStart` (a new window
   * starts again from 1) and returns the count, in one atomic statement.
   */
  incrementCounter(key: string, windowStart: number, expiresAt: number): Promise<number>;
  /**
   * Adds `n` to each entry's counter as incrementCounter adds 1, all in one transaction; returns
   * the counts after, in the entries' order.
   */
  addToCounters(
    entries: readonly { key: string; windowStart: number; expiresAt: number; n: number }[],
  ): Promise<number[]>;
  /** The count for `key` in the window starting at `windowStart` (0 when none). */
  readCounter(key: string, windowStart: number): Promise<number>;
  /** Read-modify-write of a small JSON state, serialized across processes. */
  updateState<T>(key: string, update: (current: T | undefined) => T): Promise<T>;
  readState<T>(key: string): Promise<T | undefined>;
  /** Marks `key`'s reads refused for the window starting at `windowStart` (kept until `expiresAt`). */
  blockReads(key: string, windowStart: number, expiresAt: number): Promise<void>;
  /** The keys whose reads are refused in the window starting at `windowStart`. */
  readBlocks(windowStart: number): Promise<string[]>;
  /** Deletes up to `limit` used nonces, ended counters and ended read blocks expired at `now`. */
  deleteExpiredEphemera(now: number, limit: number): Promise<number>;
}

/** Short URLs. */
export interface ShortenerStore {
  /** Stores a short URL; false when the id is taken (the caller draws another). */
  insertShortUrl(short: NewShortUrl): Promise<boolean>;
  /** The short URL unless missing or expired at `now`. */
  findShortUrl(id: string, now: number): Promise<ShortUrlRecord | undefined>;
  /** Adds buffered clicks, many ids in one transaction. */
  addClicks(clicks: ReadonlyMap<string, number>): Promise<void>;
  deleteShortUrl(id: string): Promise<boolean>;
  /** Live short URLs of `owner` (all when null), newest first. */
  listShortUrls(
    owner: string | null,
    now: number,
    limit: number,
    offset: number,
  ): Promise<Page<ShortUrlRecord>>;
  /** Deletes up to `limit` short URLs expired at `now`; returns how many. */
  deleteExpiredShortUrls(now: number, limit: number): Promise<number>;
}

/** The sealed function API's clients. */
export interface FunctionClientStore {
  /** Registers a function-API client, or gives an existing key a new secret. */
  putFunctionClient(client: FunctionClient): Promise<void>;
  removeFunctionClient(publicKey: string): Promise<boolean>;
  /** Removes every function-API client; returns how many. */
  purgeFunctionClients(): Promise<number>;
  /** Every function-API client, oldest first. */
  listFunctionClients(): Promise<FunctionClient[]>;
}

/** The CA, its certificates and the audit log. */
export interface PkiStore {
  getCa(): Promise<CaRecord | undefined>;
  /** Stores the one CA; false when one exists already. */
  insertCa(ca: CaRecord): Promise<boolean>;
  /**
   * Stores an issued certificate. With `firstBecomesAdmin`, it is made admin in the same statement
   * when no admin exists yet, so two simultaneous first registrations cannot both win.
   */
  insertCertificate(cert: NewCertificate, firstBecomesAdmin: boolean): Promise<CertificateRecord>;
  findCertificateByFingerprint(fingerprint: string): Promise<CertificateRecord | undefined>;
  findCertificateBySerial(serial: string): Promise<CertificateRecord | undefined>;
  /** Certificates issued to or by `fingerprint` (all when null), newest first. */
  listCertificates(fingerprint: string | null): Promise<CertificateRecord[]>;
  /** Marks a valid certificate revoked; false when it was not valid. */
  revokeCertificate(serial: string, now: number): Promise<boolean>;
  appendAudit(event: Omit<AuditEvent, "id">): Promise<void>;
  listAudit(limit: number, offset: number): Promise<Page<AuditEvent>>;
}

/**
 * The store port: one part per feature, so that each feature is handed only the part it uses
 * (`Pick<Store, "pastes" | "abuse">`), and what the server and its admin commands ask of the database
 * itself. openStore (store.ts) is the only place that knows which backend runs.
 */
/** A paste the sweep deleted at its expiry. */
export interface ExpiredPaste {
  readonly id: string;
  readonly owner: string | null;
}

export interface Store {
  readonly backend: "sqlite" | "postgres";
  readonly pastes: PasteStore;
  readonly abuse: AbuseStore;
  readonly shortener: ShortenerStore;
  readonly accounts: AccountStore;
  readonly pki: PkiStore;
  readonly functions: FunctionClientStore;
  readonly moderation: ModerationStore;
  readonly tokens: TokenStore;
  readonly uploads: UploadStore;
  readonly webhooks: WebhookStore;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  /** The database's size on disk, in bytes. */
  sizeBytes(): Promise<number>;
  close(): Promise<void>;
  /**
   * A consistent copy of the live database in the new file `path`, while others write; what it copied
   * ("1234 pages"). Throws BackupUnsupported on a backend backed up by its own tools (PostgreSQL).
   */
  backupTo(path: string): Promise<string>;
}

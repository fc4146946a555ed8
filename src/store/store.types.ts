/**
 * The narrow Store port. Every backend implements it and passes store.test-suite.ts; nothing outside
 * src/store/ knows SQL. All times are whole Unix seconds.
 */

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
  readonly burnAfterRead: boolean;
  readonly passwordHash: string | null;
}

export interface NewPaste extends PasteMeta {
  readonly content: Uint8Array;
}

/** A paste as read for serving: `content` is filled in only when no password and no burn guard it. */
export interface PasteForRead extends PasteMeta {
  readonly content: Uint8Array | undefined;
}

export interface Store {
  readonly backend: string;
  /** Stores a new paste; false when the id is taken (the caller draws another). */
  insertPaste(paste: NewPaste): Promise<boolean>;
  /** The paste's metadata, unless it is missing or expired at `now`. */
  findPaste(id: string, now: number): Promise<PasteMeta | undefined>;
  /** Metadata and, for a paste with neither password nor burn-after-read, its content: one round trip. */
  readPaste(id: string, now: number): Promise<PasteForRead | undefined>;
  /** The content, unless the paste is missing or expired at `now`. */
  readContent(id: string, now: number): Promise<Uint8Array | undefined>;
  /** Deletes the paste and returns its content in one atomic step: of concurrent callers, one wins. */
  burnPaste(id: string, now: number): Promise<Uint8Array | undefined>;
  /** Moves a sliding deadline forward (no effect on a fixed one). */
  touchPaste(id: string, expiresAt: number): Promise<void>;
  deletePaste(id: string): Promise<boolean>;
  /** Deletes up to `limit` pastes expired at `now`; returns how many. */
  deleteExpiredPastes(now: number, limit: number): Promise<number>;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

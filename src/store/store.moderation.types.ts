/** The moderation part of the Store port (docs/moderation.md): reports, quarantine, the blocklist. */
import type { Page, PasteMeta, ShortUrlRecord } from "./store.types.ts";

export type ReportState = "open" | "actioned" | "dismissed";

/** A report of a paste or short URL (docs/moderation.md); never the reporter's address. */
export interface ReportRecord {
  readonly id: string;
  readonly createdAt: number;
  readonly kind: "paste" | "short";
  readonly target: string;
  readonly reason: string;
  readonly details: string;
  /** The paste's key, when the reporter chose to share it; deleted with the report. */
  readonly key: string | null;
  readonly state: ReportState;
  readonly resolvedAt: number | null;
  readonly resolvedBy: string | null;
}

export type NewReport = Omit<ReportRecord, "state" | "resolvedAt" | "resolvedBy">;

/** A paste as an admin sees it: quarantined or expired, with its hash and whether its source is kept. */
export interface AdminPasteRecord extends PasteMeta {
  readonly sha256: string | null;
  readonly sourceRecorded: boolean;
}

export interface BlockRecord {
  readonly sha256: string;
  readonly createdAt: number;
  readonly createdBy: string | null;
}

/** Reports, quarantine and the blocklist (docs/moderation.md). */
export interface ModerationStore {
  /** Stores a report; false when its id is taken (the caller draws another). */
  insertReport(report: NewReport): Promise<boolean>;
  findReport(id: string): Promise<ReportRecord | undefined>;
  /** Newest first, of one state or (null) all. */
  listReports(state: ReportState | null, limit: number, offset: number): Promise<Page<ReportRecord>>;
  /** The ids of a target's reports, newest first. */
  reportIdsOf(kind: ReportRecord["kind"], target: string): Promise<string[]>;
  /** Sets a report's state; false when it does not exist. */
  resolveReport(id: string, state: "dismissed" | "actioned", by: string, now: number): Promise<boolean>;
  /** Marks the open reports of these targets actioned. */
  actionReports(
    kind: ReportRecord["kind"],
    targets: readonly string[],
    by: string,
    now: number,
  ): Promise<void>;
  deleteReport(id: string): Promise<boolean>;
  /**
   * Deletes up to `limit` reports whose target no longer exists or that were resolved at or before
   * `resolvedBefore`; returns how many.
   */
  deleteStaleReports(resolvedBefore: number, limit: number): Promise<number>;
  /** A paste whatever its expiry or quarantine; `sourceRecorded` as kept at `now`. */
  findPaste(id: string, now: number): Promise<AdminPasteRecord | undefined>;
  /** A short URL whatever its expiry or quarantine. */
  findShortUrl(id: string): Promise<ShortUrlRecord | undefined>;
  /**
   * Quarantines the paste and, with `sameSource`, every live paste whose source record matches its
   * own (while kept); returns the paste's id (quarantined now or before) and the others this call
   * quarantined ([] when the paste does not exist).
   */
  quarantinePaste(id: string, now: number, sameSource: boolean): Promise<string[]>;
  /** False when the paste does not exist or is not quarantined. */
  releasePaste(id: string): Promise<boolean>;
  /** False when the short URL does not exist. */
  quarantineShortUrl(id: string, now: number): Promise<boolean>;
  /** False when the short URL does not exist or is not quarantined. */
  releaseShortUrl(id: string): Promise<boolean>;
  /**
   * Adds the hash to the blocklist and quarantines every paste with it, so that no upload racing
   * the block is published unquarantined (insertPaste checks the list in its own statement).
   * `added` is false when the hash was blocked already (its pastes are quarantined all the same).
   */
  addBlock(block: BlockRecord): Promise<{ added: boolean; quarantined: string[] }>;
  removeBlock(sha256: string): Promise<boolean>;
  /** Newest first. */
  listBlocks(limit: number, offset: number): Promise<Page<BlockRecord>>;
  /** Clears up to `limit` source records kept until `now` or before; returns how many. */
  forgetSources(now: number, limit: number): Promise<number>;
}

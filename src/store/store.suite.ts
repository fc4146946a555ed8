import type { ImageRecord, NewPaste, Store, StoredContent, UserRecord } from "./store.types.ts";
import { isChunked } from "./store.types.ts";

/** Rows as a release before chunked images (schema version 7) stored them, content in the row. */
export interface LegacySeed {
  readonly users: readonly UserRecord[];
  readonly images: readonly ImageRecord[];
}

/**
 * What each feature's part of the conformance suite (store.<feature>.suite.ts) runs against: the
 * one store of the backend's run, opened before its first test, shared by every part in turn.
 */
export interface Conformance {
  /** The store under test (set once the suite's `before` has run). */
  readonly store: Store;
  /** A new paste with a fresh id, alive from 1000 until 2000. */
  readonly paste: (overrides?: Partial<NewPaste>) => NewPaste;
  /** A second handle on the same database (another process's view), when the backend has one. */
  readonly openSecond: ((first: Store) => Promise<Store>) | undefined;
  /** A store opened on a new database that schema version 7 left holding `seed`. */
  readonly openLegacy: ((seed: LegacySeed) => Promise<Store>) | undefined;
}

export function bytesOf(content: StoredContent | undefined): Buffer {
  if (content === undefined) return Buffer.alloc(0);
  if (isChunked(content)) throw new Error("expected inline content");
  return Buffer.from(content);
}

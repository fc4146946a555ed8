/**
 * What the shared store (src/store/sql/) needs of a database: statements prepared once, run one at
 * a time or in a transaction, and the few fragments where SQLite and PostgreSQL truly differ. The
 * node:sqlite driver (sqlite.driver.ts) and the node-postgres one (postgres.driver.ts) implement it.
 */
import type { Row } from "./rows.ts";

/** A statement prepared once per process (`?` placeholders), run with its parameters in order. */
export interface Query {
  get(...params: unknown[]): Promise<Row | undefined>;
  all(...params: unknown[]): Promise<Row[]>;
  /** The number of rows changed. */
  run(...params: unknown[]): Promise<number>;
}

/** One statement of a transaction's body, as it yields it (see `get`, `all`, `run` and `exec` below). */
export type Step =
  | { readonly op: "get" | "all" | "run"; readonly query: Query; readonly params: readonly unknown[] }
  | { readonly op: "exec"; readonly sql: string };

/**
 * A transaction's body: a generator that yields its statements and is resumed with their results.
 * The SQLite driver runs it to the end synchronously, inside BEGIN IMMEDIATE, so nothing else in the
 * process interleaves and no other process writes in between; the PostgreSQL driver awaits each
 * statement on one pooled connection. One body, the same statements, on both.
 */
export type Body<T> = Generator<Step, T, unknown>;

export function* get(query: Query, ...params: unknown[]): Generator<Step, Row | undefined, unknown> {
  return (yield { op: "get", query, params }) as Row | undefined;
}

export function* all(query: Query, ...params: unknown[]): Generator<Step, Row[], unknown> {
  return (yield { op: "all", query, params }) as Row[];
}

export function* run(query: Query, ...params: unknown[]): Generator<Step, number, unknown> {
  return (yield { op: "run", query, params }) as number;
}

/** Statements without parameters, several at once (a migration). */
export function* exec(sql: string): Generator<Step, void, unknown> {
  yield { op: "exec", sql };
}

/** The true differences between the backends, as SQL fragments or values. */
export interface Dialect {
  /** The column that keeps insertion order (SQLite's rowid, a sequence in PostgreSQL). */
  readonly insertionOrder: string;
  /** The rows of a JSON object parameter as (key, value) pairs: `FROM ${jsonPairs} AS c`. */
  readonly jsonPairs: string;
  /** A statement that serializes read-modify-writes of the key given as its one parameter, or none. */
  readonly lockKey: string | undefined;
  /**
   * A statement that makes a transaction wait for every transaction writing pastes to end, and
   * holds new writers off until it commits (the blocklist's barrier: moderation.ts), or none where
   * a write transaction excludes every other writer already.
   */
  readonly pasteWriteBarrier: string | undefined;
  /** The migrations, in order; each shipped one is never edited. */
  readonly migrations: readonly { readonly version: number; readonly sql: string }[];
  /**
   * The size of the pieces a large value (a paste's chunk, an image's) is read in: the driver's
   * best slice, one statement each (see pastes.ts readChunk and images.ts).
   */
  readonly pieceBytes: number;
  /** How a piece's bytes are selected: as they are, or as base64 text decoded into a reused buffer. */
  pieceData(bytes: string): string;
  /** The constraint a statement violated, when its error is a unique violation. */
  uniqueViolation(err: unknown): string | undefined;
  /** Whether an error says the database is out of reach (a 503 to retry), not that a statement failed. */
  outOfReach(err: unknown): boolean;
}

export interface Driver {
  readonly backend: "sqlite" | "postgres";
  readonly dialect: Dialect;
  prepare(sql: string): Query;
  /**
   * Runs `setup` (the migrations) in a write transaction before any other statement: SQLite at once,
   * throwing when it fails; PostgreSQL before its first statement, and again at the next one when
   * the database could not be reached.
   */
  start(setup: () => Body<void>): void;
  /**
   * Runs `body` in a transaction: "write" takes the write lock up front where the backend has one
   * (SQLite's BEGIN IMMEDIATE); "read" reads one snapshot (PostgreSQL's REPEATABLE READ, READ ONLY).
   * Committed when the body returns, rolled back when it throws.
   */
  transaction<T>(body: () => Body<T>, mode?: "write" | "read"): Promise<T>;
  /** The database's size on disk, in bytes. */
  sizeBytes(): Promise<number>;
  /** A consistent copy of the live database in the file at `path`; throws BackupUnsupported where there is none. */
  backupTo(path: string): Promise<string>;
  close(): Promise<void>;
}

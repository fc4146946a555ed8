/**
 * Where SQLite and PostgreSQL truly differ, side by side: every other statement is written once, in
 * the feature's file of the shared store (pastes.ts, abuse.ts, …). The schema's history: each
 * backend's first migrations as they shipped, then the ones both run (shared.migrations.ts).
 */
import type { Dialect } from "./driver.ts";
import { postgresMigrations } from "./postgres.migrations.ts";
import { sharedMigrations } from "./shared.migrations.ts";
import { sqliteMigrations } from "./sqlite.migrations.ts";

export const sqliteDialect: Dialect = {
  insertionOrder: "rowid",
  jsonPairs: "json_each(?)",
  // BEGIN IMMEDIATE already serializes every writer.
  lockKey: undefined,
  pasteWriteBarrier: undefined,
  migrations: [...sqliteMigrations, ...sharedMigrations],
  // node:sqlite has no incremental blob I/O: it loads a chunk whole to cut any piece of it, so a
  // piece is a whole chunk (1 MiB).
  pieceBytes: 1024 * 1024,
  pieceData: (bytes) => bytes,
  uniqueViolation: (err) => /UNIQUE constraint failed: (\S+)/.exec(String(err))?.[1],
  // A file: there is no server to be out of reach of.
  outOfReach: () => false,
};

const NETWORK_CODES = new Set(
  "ECONNREFUSED ECONNRESET ETIMEDOUT EPIPE ENOTFOUND EHOSTUNREACH EAI_AGAIN".split(" "),
);
const NETWORK_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/;

export const postgresDialect: Dialect = {
  insertionOrder: "seq",
  jsonPairs: "json_each_text(CAST(? AS json))",
  // Serializes every read-modify-write of a key across processes, also while its row does not exist
  // yet (FOR UPDATE could not lock a missing row).
  lockKey: "SELECT pg_advisory_xact_lock(hashtext(?)) AS locked",
  // SHARE conflicts with the ROW EXCLUSIVE every INSERT takes before its snapshot: an upload that
  // began before the block commits first (and the block's UPDATE then sees it), one that begins
  // after waits and then sees the block. Held for one UPDATE by hash, by an admin action.
  pasteWriteBarrier: "LOCK TABLE pastes IN SHARE MODE",
  migrations: [...postgresMigrations, ...sharedMigrations],
  // Small, so that node-postgres reads a piece's row in one or two socket reads and its text (under
  // V8's 128 KiB large-object size) dies in a young collection: a whole 1 MiB chunk came as a 2 MiB
  // hex string, which only a full collection frees (+111 MiB for a 50 MiB download).
  pieceBytes: 32 * 1024,
  // As base64 text decoded into the download's one buffer: node-postgres receives a bytea as hex
  // text (twice its bytes, in socket reads of their own) and decodes each into a new Buffer; both
  // are memory outside the heap that young collections, paced by the heap, free late (+88 MiB
  // beside other tests in test/e2e/accounts-download-memory.test.ts). Base64 is a third of that.
  pieceData: (bytes) => `encode(${bytes}, 'base64')`,
  uniqueViolation: (err) => {
    const e = err as { code?: string; constraint?: string };
    return e.code === "23505" ? e.constraint : undefined;
  },
  // The network's codes, and PostgreSQL's connection exceptions (08…) and shutdowns (57P…).
  outOfReach: (err) => {
    const e = err as { code?: string; message?: string };
    const code = String(e.code ?? "");
    return (
      NETWORK_CODES.has(code) || /^(08|57P)/.test(code) || NETWORK_MESSAGES.test(String(e.message ?? ""))
    );
  },
};

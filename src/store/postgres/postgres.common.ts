import type pg from "pg";
import type { Row } from "../rows.ts";
import { StoreUnavailable } from "../store.errors.ts";
import type { Page } from "../store.types.ts";

/** `?` placeholders, as the SQLite store writes them, numbered for PostgreSQL ($1, $2, …). */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export const bytes = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "EAI_AGAIN",
]);

/** The database cannot be reached (down, restarting, network): a 503 the client may retry, not a 500. */
export function unavailable(err: unknown): unknown {
  const e = err as { code?: string; message?: string };
  const code = String(e.code ?? "");
  const down =
    NETWORK_CODES.has(code) ||
    /^(08|57P)/.test(code) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
      String(e.message ?? ""),
    );
  return down ? new StoreUnavailable(err) : err;
}

export type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

/** The store's ways to run SQL (PostgresStore), given to each feature's part of it. */
export interface PgSql {
  /** The rows of a statement, on the pool or on `on` (a transaction's client). */
  q(sql: string, params?: unknown[], on?: Queryable): Promise<Row[]>;
  /** The number of rows a statement changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  /** The first row of a statement. */
  one(sql: string, params?: unknown[]): Promise<Row | undefined>;
  /** The first row of a statement each pooled connection prepares once: for queries run by the thousand. */
  prepared(name: string, sql: string, params: unknown[]): Promise<Row | undefined>;
  /** `fn` in a transaction on one pooled client: committed, or rolled back when it throws. */
  tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T>;
}

/** One page of the live rows of an owner (null: everyone's) and their total. */
export async function ownedPage<T>(
  db: PgSql,
  rows: {
    readonly table: string;
    readonly columns: string;
    readonly live: string;
    readonly map: (r: Row) => T;
  },
  page: {
    readonly owner: string | null;
    readonly now: number;
    readonly limit: number;
    readonly offset: number;
  },
): Promise<Page<T>> {
  const { table, columns, live, map } = rows;
  const { owner, now, limit, offset } = page;
  const where = `(owner = ? OR CAST(? AS TEXT) IS NULL) AND ${live}`;
  const found = await db.q(
    `SELECT ${columns} FROM ${table} WHERE ${where} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`,
    [owner, owner, now, limit, offset],
  );
  const total = Number(
    (await db.one(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, [owner, owner, now]))?.n,
  );
  return { items: found.map(map), total };
}

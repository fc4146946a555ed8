import type { StatementSync } from "node:sqlite";
import type { Row } from "../rows.ts";
import type { Page } from "../store.types.ts";

/**
 * Runs `fn` in a transaction that takes the write lock up front (BEGIN IMMEDIATE): the store's, given
 * to each feature's part of it.
 */
export type Immediate = <T>(fn: () => T) => T;

/** Which page of whose rows: `owner` null for everyone's. */
interface PageQuery {
  readonly owner: string | null;
  readonly now: number;
  readonly limit: number;
  readonly offset: number;
}

/** One page of the live rows of an owner and their total. */
export function ownedPage<T>(
  rows: { readonly list: StatementSync; readonly count: StatementSync; readonly map: (row: Row) => T },
  { owner, now, limit, offset }: PageQuery,
): Page<T> {
  const page = rows.list.all(owner, owner, now, limit, offset) as Row[];
  return { items: page.map(rows.map), total: Number((rows.count.get(owner, owner, now) as Row).n) };
}

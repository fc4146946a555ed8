import { AppError } from "../shared/errors.ts";

/** The largest page a listing serves, and the furthest it skips: far past any real listing. */
export const PAGE_LIMIT_MAX = 500;
export const PAGE_OFFSET_MAX = 1_000_000_000;

/** The query schema of a listing (validated by Fastify, described in /openapi.json). */
export const pagingQuery = {
  limit: {
    type: "integer",
    minimum: 1,
    maximum: PAGE_LIMIT_MAX,
    default: 50,
    description: "Page size",
  },
  offset: {
    type: "integer",
    minimum: 0,
    maximum: PAGE_OFFSET_MAX,
    default: 0,
    description: "Items to skip",
  },
} as const;

function whole(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === "number") return value;
  // Only plain decimal digits: "1e3", "0x10" and " 7" are not page numbers.
  return typeof value === "string" && /^[0-9]{1,16}$/.test(value) ? Number(value) : Number.NaN;
}

/**
 * `?limit=` (default 50, 1 to `maxLimit`) and `?offset=` (0 to PAGE_OFFSET_MAX) of a listing. Only
 * safe integers in range pass: a value such as 9223372036854775808 or 1e300 would reach the database
 * as a float it cannot bind. Anything else is a 400.
 */
export function pageOf(query: unknown, maxLimit = PAGE_LIMIT_MAX) {
  const q = (query ?? {}) as Record<string, unknown>;
  const limit = whole(q.limit, 50);
  const offset = whole(q.offset, 0);
  const inRange = (n: number, min: number, max: number) => Number.isSafeInteger(n) && n >= min && n <= max;
  if (!inRange(limit, 1, maxLimit) || !inRange(offset, 0, PAGE_OFFSET_MAX)) {
    throw new AppError({
      status: 400,
      code: "invalid_paging",
      message: `Invalid paging: limit 1 to ${maxLimit}, offset 0 to ${PAGE_OFFSET_MAX}`,
    });
  }
  return { limit, offset };
}

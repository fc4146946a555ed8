import { AppError } from "../shared/errors.ts";

/** `?limit=` (default 50, at most `maxLimit`) and `?offset=` of a listing; anything else is a 400. */
export function pageOf(query: unknown, maxLimit = 500) {
  const q = (query ?? {}) as Record<string, string | undefined>;
  const limit = q.limit === undefined ? 50 : Number(q.limit);
  const offset = q.offset === undefined ? 0 : Number(q.offset);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit || !Number.isInteger(offset) || offset < 0) {
    throw new AppError(400, `Invalid paging: limit 1 to ${maxLimit}, offset 0 or more`);
  }
  return { limit, offset };
}

/**
 * Range downloads of a paste's content (RFC 9110 §14): one byte range, so that an interrupted
 * download resumes. A paste with a view limit is served whole and counts once: a range of it would
 * spend a view on part of the content.
 */

/** The bytes [start, end] (inclusive) of a content of `size` bytes. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The Range header's one range; undefined when there is none or it is not one this server honours
 * (not `bytes=`, several ranges, malformed: the whole content is sent, as RFC 9110 allows), and
 * "unsatisfiable" when it starts past the end (416).
 */
export function rangeOf(header: string | undefined, size: number): ByteRange | "unsatisfiable" | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d{0,16})-(\d{0,16})$/.exec(header.trim());
  if (!m) return undefined;
  const [, first = "", last = ""] = m;
  if (first === "" && last === "") return undefined;
  if (first === "") {
    // bytes=-N: the last N bytes.
    const n = Number(last);
    if (n === 0) return "unsatisfiable";
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return undefined;
  if (start >= size) return "unsatisfiable";
  const end = last === "" ? size - 1 : Number(last);
  return { start, end: Math.min(end, size - 1) };
}

/** The validator of a paste's content: ids are random and contents never change. */
export const etagOf = (paste: { id: string; createdAt: number }): string =>
  `"${paste.id}.${paste.createdAt}"`;

/** If-Range: the range applies only when the validator is the paste's own (else the whole content). */
export function rangeStillValid(ifRange: string | undefined, etag: string): boolean {
  return ifRange === undefined || ifRange.trim() === etag;
}

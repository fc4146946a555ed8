import type { ReportRecord } from "../../store/store.ts";
import { isValidPasteId } from "../pastes/pastes.models.ts";
import { isAddressedAs, routedPath, SHORT_ID_PATTERN } from "../shortener/shortener.models.ts";
import { moderationErrors } from "./moderation.errors.ts";

/** The longest report URL accepted (a paste URL with its key is under 200 characters). */
export const REPORT_URL_MAX = 4096;

export interface ReportTarget {
  readonly kind: ReportRecord["kind"];
  readonly id: string;
  /** The URL's #fragment: the paste's key, when the reporter chose to share it. */
  readonly key: string | null;
}

/**
 * What a report's URL names: a paste (`/{id}`, `/{id}/raw`) or a short URL (`/s/{id}`) of this
 * server, addressed as the report's own request addressed it (`hosts`), with or without URL_PREFIX.
 */
export function reportTargetOf(
  raw: string,
  server: { hosts: readonly string[]; prefix: string; idLength: number },
): ReportTarget {
  const notOurs = () =>
    moderationErrors.invalidReport("Report URL must be a paste or short URL of this server");
  if (raw.length > REPORT_URL_MAX) throw notOurs();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw notOurs();
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !isAddressedAs(url, server.hosts)) {
    throw notOurs();
  }
  let path = routedPath(url.pathname);
  if (server.prefix !== "" && (path === server.prefix || path.startsWith(`${server.prefix}/`))) {
    path = path.slice(server.prefix.length);
  }
  const key = url.hash.length > 1 ? url.hash.slice(1) : null;
  const short = /^\/s\/([^/]+)$/.exec(path);
  if (short) {
    const id = short[1] as string;
    if (!SHORT_ID_PATTERN.test(id)) throw notOurs();
    return { kind: "short", id, key: null };
  }
  const paste = /^\/([^/]+)(?:\/raw)?$/.exec(path);
  const id = paste?.[1];
  if (id === undefined || !isValidPasteId(id, server.idLength)) throw notOurs();
  return { kind: "paste", id, key };
}

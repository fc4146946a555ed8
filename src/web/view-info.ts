/**
 * The paste page's facts about a paste: its size and type (once opened), when made, when it goes,
 * and for a paste of several views how many it has left.
 */
import type { PasteMeta } from "../client/pastes.ts";
import { byId } from "./dom.ts";
import { formatDate, formatRelative } from "./format.ts";

/** Whether the next read of the paste is its last: burn-after-read, or a last view left. */
export const isLastView = (meta: PasteMeta): boolean =>
  meta.burn_after_read === true || meta.views_left === 1;

/** When the paste expires, as a reader needs it: a date and how far off it is, or "after this read". */
export function expiryText(meta: PasteMeta, now = Date.now()): string {
  if (isLastView(meta)) return "after this read";
  const fixed = meta.expires_at;
  if (fixed !== undefined) return `${formatDate(fixed * 1000)} (${formatRelative(fixed * 1000, now)})`;
  const idle = meta.idle_expires_at;
  if (idle !== undefined)
    return `${formatDate(idle * 1000)} (${formatRelative(idle * 1000, now)}), unless read again: each read extends it`;
  return "not set";
}

/** The facts shown so far; each call adds or replaces some. They are listed in ORDER. */
const facts = new Map<string, string>();
const ORDER = ["Size", "Type", "Created", "Expires", "Views", "Password"];

export function showFacts(update: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(update)) {
    if (value === undefined) facts.delete(name);
    else facts.set(name, value);
  }
  const list = byId("view-info", HTMLElement);
  list.replaceChildren();
  const sorted = [...facts].sort(([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b));
  for (const [name, value] of sorted) {
    const item = document.createElement("div");
    const term = document.createElement("dt");
    term.textContent = name;
    const detail = document.createElement("dd");
    detail.textContent = value;
    detail.dataset.fact = name.toLowerCase();
    item.append(term, detail);
    list.append(item);
  }
}

/** What the server says of a paste, before it is opened: when it was made and when it expires. */
export function showMetaFacts(meta: PasteMeta): void {
  showFacts({
    Created: formatDate(meta.created_at * 1000),
    Expires: expiryText(meta),
    Views: viewsText(meta),
    Password: meta.password_protected ? "required" : undefined,
  });
}

/** A paste of several views: how many are left ("2 of 3 left"); nothing for others. */
export function viewsText(meta: PasteMeta): string | undefined {
  if (meta.max_views === undefined || meta.max_views === 1 || meta.views_left === undefined) return undefined;
  return meta.views_left === 0
    ? `none left of ${meta.max_views}: deleted`
    : `${meta.views_left} of ${meta.max_views} left`;
}

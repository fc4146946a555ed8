/** The rules of webhooks (docs/webhooks.md) as pure functions: what may be registered, when to retry, what is sent. */
import { HEADERS, WEBHOOK_EVENTS, type WebhookEvent } from "../../protocol/vocabulary.ts";
import type { InstanceEventData, PasteFacts, ReportFacts } from "../../shared/events.ts";
import { refusedAddress } from "./webhooks.addresses.ts";

/** The longest URL a webhook may have (characters, as sent). */
export const WEBHOOK_URL_MAX = 2048;
/** Webhooks one owner may have at once. */
export const WEBHOOKS_PER_OWNER = 20;

/**
 * Headers of a delivery besides X-Sealbin-Signature (HEADERS.webhookSignature): the delivery's id,
 * the same on every attempt (receivers dedupe with it), and the event's name.
 */
export const DELIVERY_HEADER = HEADERS.webhookDelivery;
export const EVENT_HEADER = HEADERS.webhookEvent;

/** How long one attempt may take, connect to response headers. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** The first retry's delay; each next one doubles, up to RETRY_CAP_SECONDS. */
export const RETRY_FIRST_SECONDS = 1;
export const RETRY_CAP_SECONDS = 3600;
/** A delivery not made this long after its event is given up. */
export const GIVE_UP_AFTER_SECONDS = 24 * 3600;
/** And never more attempts than this (the schedule above makes about 35). */
export const MAX_ATTEMPTS = 40;

/**
 * A webhook's URL as registered — the WHATWG parser's serialisation, so that control characters and
 * spaces arrive percent-encoded and two spellings of one URL are one — or why it is refused.
 */
export function parseWebhookUrl(
  raw: string,
  allowPrivate: boolean,
): { url: string } | { problem: "invalid" | "address" } {
  if (raw.length === 0 || raw.length > WEBHOOK_URL_MAX) return { problem: "invalid" };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: "invalid" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { problem: "invalid" };
  if (url.username !== "" || url.password !== "" || url.hostname === "") return { problem: "invalid" };
  if (url.href.length > WEBHOOK_URL_MAX) return { problem: "invalid" };
  // A literal address is refused now; a name is checked on each address it resolves to, when
  // connecting (webhooks.sender.ts).
  if (!allowPrivate && refusedAddress(url.hostname) !== null) return { problem: "address" };
  return { url: url.href };
}

/** The events as sent, when they are a non-empty list of known events (duplicates dropped), else null. */
export function eventsOf(raw: unknown): WebhookEvent[] | null {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 16) return null;
  if (!raw.every((e) => typeof e === "string" && WEBHOOK_EVENTS.includes(e as WebhookEvent))) return null;
  return WEBHOOK_EVENTS.filter((e) => raw.includes(e));
}

/**
 * After a failed attempt (`attempts` made so far), when to try again — or null to give up: 1 s,
 * then twice as long each time up to an hour, until 24 hours after the event or MAX_ATTEMPTS.
 */
export function nextAttemptAt(attempts: number, now: number, createdAt: number): number | null {
  if (attempts >= MAX_ATTEMPTS) return null;
  const delay = Math.min(RETRY_FIRST_SECONDS * 2 ** Math.max(0, attempts - 1), RETRY_CAP_SECONDS);
  const next = now + delay;
  return next > createdAt + GIVE_UP_AFTER_SECONDS ? null : next;
}

/** The paste's metadata as a delivery carries it: only these fields, only those known. */
export function pastePayload(p: PasteFacts) {
  return {
    id: p.id,
    ...(p.size !== undefined && { size: p.size }),
    ...(p.mimeType !== undefined && { mime_type: p.mimeType }),
    ...(p.expiresAt !== undefined && { expires_at: p.expiresAt }),
    ...(p.viewsLeft !== undefined && { views_left: p.viewsLeft }),
  };
}

function reportPayload(r: ReportFacts) {
  return { id: r.id, kind: r.kind, target: r.target, reason: r.reason };
}

/** The body of a delivery: the event's id, its name, when it happened and its subject's metadata. */
export function deliveryBody(id: string, event: string, time: number, data: Record<string, unknown>): string {
  return JSON.stringify({ id, event, created_at: time, ...data });
}

/** An instance event's data, as its delivery carries it. */
export function instancePayload<E extends keyof InstanceEventData>(
  event: E,
  data: InstanceEventData[E],
): Record<string, unknown> {
  switch (event) {
    case "paste.created":
      return { paste: pastePayload(data as PasteFacts) };
    case "report.created":
      return { report: reportPayload(data as ReportFacts) };
    default:
      return { mode: (data as InstanceEventData["writes.changed"]).mode };
  }
}

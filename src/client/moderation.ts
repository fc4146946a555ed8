/** Typed calls of moderation (docs/moderation.md): reports, quarantine, the blocklist, the write switch. */
import { type ReportReason, ROUTES, type WriteMode } from "../protocol/vocabulary.ts";
import type { Progress, SealbinClient } from "./client.ts";

export interface ReportReceipt {
  readonly id: string;
  readonly message: string;
}

export interface ReportInfo {
  readonly id: string;
  readonly created_at: number;
  readonly kind: "paste" | "short";
  readonly target: string;
  readonly url: string;
  readonly reason: ReportReason;
  readonly details: string;
  /** Present only when the reporter shared the paste's key. */
  readonly key?: string;
  readonly state: "open" | "actioned" | "dismissed";
  readonly resolved_at: number | null;
  readonly resolved_by: string | null;
}

export interface ReportPage {
  readonly reports: readonly ReportInfo[];
  readonly count: number;
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface Quarantined {
  readonly message: string;
  readonly quarantined: readonly string[];
}

export interface AdminPasteInfo {
  readonly id: string;
  readonly owner: string | null;
  readonly mime_type: string;
  readonly size: number;
  readonly created_at: number;
  readonly expires_at: number | null;
  readonly burn_after_read: boolean;
  readonly password_protected: boolean;
  readonly sha256: string | null;
  readonly quarantined: boolean;
  readonly quarantined_at: number | null;
  readonly source_recorded: boolean;
  readonly reports: readonly string[];
}

export interface AdminShortInfo {
  readonly id: string;
  readonly target: string;
  readonly owner: string | null;
  readonly created_at: number;
  readonly expires_at: number | null;
  readonly clicks: number;
  readonly quarantined: boolean;
  readonly quarantined_at: number | null;
  readonly reports: readonly string[];
}

export interface BlockEntry {
  readonly sha256: string;
  readonly created_at: number;
  readonly created_by: string | null;
}

export interface Blocklist {
  readonly blocklist: readonly BlockEntry[];
  readonly count: number;
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

/** A paste or short URL as the admin endpoints name it. */
export type ModerationTarget = { readonly kind: "paste" | "short"; readonly id: string };

const targetPath = (t: ModerationTarget) =>
  t.kind === "paste" ? ROUTES.adminPaste(t.id) : ROUTES.adminShort(t.id);

/** POST /report: proof-of-work when the server asks for it. `url` carries the key only if shared. */
export function report(
  client: SealbinClient,
  input: { url: string; reason: ReportReason; details?: string },
  options: { onProgress?: (progress: Progress) => void } = {},
): Promise<ReportReceipt> {
  return client.withPow<ReportReceipt>(ROUTES.challenge, ROUTES.report, {
    method: "POST",
    json: input,
    ...(options.onProgress && { onProgress: options.onProgress }),
  });
}

export function listReports(
  client: SealbinClient,
  options: { state?: ReportInfo["state"]; limit?: number; offset?: number } = {},
): Promise<ReportPage> {
  const query = new URLSearchParams();
  if (options.state) query.set("state", options.state);
  if (options.limit !== undefined) query.set("limit", String(options.limit));
  if (options.offset !== undefined) query.set("offset", String(options.offset));
  const q = query.toString();
  return client.json<ReportPage>(`${ROUTES.adminReports}${q ? `?${q}` : ""}`);
}

export function dismissReport(client: SealbinClient, id: string) {
  return client.json<{ id: string; state: "dismissed"; message: string }>(ROUTES.adminDismiss(id), {
    method: "POST",
  });
}

export function deleteReport(client: SealbinClient, id: string) {
  return client.json<{ message: string }>(ROUTES.adminReport(id), { method: "DELETE" });
}

export function quarantine(
  client: SealbinClient,
  target: ModerationTarget,
  options: { sameSource?: boolean; report?: string } = {},
): Promise<Quarantined> {
  const query = new URLSearchParams();
  if (options.sameSource) query.set("same_source", "1");
  if (options.report) query.set("report", options.report);
  const q = query.toString();
  return client.json<Quarantined>(`${targetPath(target)}/quarantine${q ? `?${q}` : ""}`, { method: "POST" });
}

export function release(client: SealbinClient, target: ModerationTarget) {
  return client.json<{ message: string; id: string }>(`${targetPath(target)}/release`, { method: "POST" });
}

export function adminPaste(client: SealbinClient, id: string): Promise<AdminPasteInfo> {
  return client.json<AdminPasteInfo>(ROUTES.adminPaste(id));
}

export function adminShort(client: SealbinClient, id: string): Promise<AdminShortInfo> {
  return client.json<AdminShortInfo>(ROUTES.adminShort(id));
}

/** POST /admin/blocklist with a hash or a paste id (whose hash is taken). */
export function block(
  client: SealbinClient,
  what: { sha256: string } | { paste: string },
  report?: string,
): Promise<Quarantined & { sha256: string }> {
  return client.json(ROUTES.adminBlocklist, { method: "POST", json: { ...what, ...(report && { report }) } });
}

export function unblock(client: SealbinClient, sha256: string) {
  return client.json<{ message: string }>(ROUTES.adminBlock(sha256), { method: "DELETE" });
}

export function listBlocklist(client: SealbinClient, options: { limit?: number; offset?: number } = {}) {
  const query = new URLSearchParams();
  if (options.limit !== undefined) query.set("limit", String(options.limit));
  if (options.offset !== undefined) query.set("offset", String(options.offset));
  const q = query.toString();
  return client.json<Blocklist>(`${ROUTES.adminBlocklist}${q ? `?${q}` : ""}`);
}

export function writeMode(client: SealbinClient): Promise<{ mode: WriteMode }> {
  return client.json<{ mode: WriteMode }>(ROUTES.adminWrites);
}

export function setWriteMode(client: SealbinClient, mode: WriteMode) {
  return client.json<{ mode: WriteMode; message: string }>(ROUTES.adminWrites, {
    method: "PUT",
    json: { mode },
  });
}

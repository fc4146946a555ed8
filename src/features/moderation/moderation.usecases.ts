import type { Config } from "../../config/config.ts";
import { REPORT_DETAILS_MAX, REPORT_REASONS, type WriteMode } from "../../protocol/vocabulary.ts";
import type { Clock } from "../../shared/clock.ts";
import { type Events, NO_EVENTS } from "../../shared/events.ts";
import { randomHexId } from "../../shared/ids.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { ReportRecord, ReportState, Store } from "../../store/store.ts";
import type { Caller } from "../identity/identity.models.ts";
import { pasteErrors } from "../pastes/pastes.errors.ts";
import { isValidPasteId } from "../pastes/pastes.models.ts";
import type { AuditLog } from "../pki/audit.ts";
import { shortErrors } from "../shortener/shortener.errors.ts";
import { SHORT_ID_PATTERN } from "../shortener/shortener.models.ts";
import { moderationErrors } from "./moderation.errors.ts";
import { reportTargetOf } from "./moderation.models.ts";
import type { WriteSwitch } from "./writes.ts";

export interface ModerationDeps {
  readonly store: Pick<Store, "moderation" | "pastes" | "shortener">;
  readonly clock: Clock;
  readonly config: Config;
  readonly audit: AuditLog;
  readonly writes: WriteSwitch;
  /** Tells the operator's webhook of each new report (report.created: never its details or key). */
  readonly events?: Pick<Events, "instanceEvent">;
}

type Admin = Caller & { readonly fingerprint: string };
type Kind = ReportRecord["kind"];
const SHA256 = /^[0-9a-f]{64}$/;

function requireAdmin(caller: Caller): Admin {
  if (caller.fingerprint === null) throw moderationErrors.authenticationRequired();
  if (!caller.isAdmin) throw moderationErrors.adminRequired();
  return caller as Admin;
}

/** A report's body as sent: checked here so that each mistake has its documented message. */
function reportInputOf(body: unknown): { url: string; reason: string; details: string } {
  const b = body as Record<string, unknown> | null;
  if (typeof b !== "object" || b === null || Array.isArray(b) || typeof b.url !== "string") {
    throw moderationErrors.invalidReport("Report body must be a JSON object with url and reason");
  }
  if (typeof b.reason !== "string" || !REPORT_REASONS.includes(b.reason as never)) {
    throw moderationErrors.invalidReport("Invalid report reason");
  }
  const details = b.details ?? "";
  if (typeof details !== "string" || details.length > REPORT_DETAILS_MAX) {
    throw moderationErrors.invalidReport(`Report details must be at most ${REPORT_DETAILS_MAX} characters`);
  }
  return { url: b.url, reason: b.reason, details };
}

/**
 * Reports, quarantine, the blocklist and the write switch (docs/moderation.md). Every admin action
 * is audited: who, what, which target, which report.
 */
export class Moderation {
  private readonly deps: ModerationDeps;

  constructor(deps: ModerationDeps) {
    this.deps = deps;
  }

  private now(): number {
    return unixSeconds(this.deps.clock.now());
  }

  /** POST /report: anyone; the target must exist (quarantined counts). */
  async report(body: unknown, hosts: readonly string[]): Promise<{ id: string }> {
    const input = reportInputOf(body);
    const { config, store } = this.deps;
    const target = reportTargetOf(input.url, { hosts, prefix: config.urlPrefix, idLength: config.idLength });
    const now = this.now();
    if (target.kind === "paste" && !(await store.pastes.findPaste(target.id, now))) {
      throw pasteErrors.notFound();
    }
    if (target.kind === "short" && !(await store.shortener.findShortUrl(target.id, now))) {
      throw shortErrors.notFound();
    }
    for (let attempt = 0; attempt < 8; attempt++) {
      const id = randomHexId(16);
      const report = {
        id,
        createdAt: now,
        kind: target.kind,
        target: target.id,
        key: target.key,
        reason: input.reason,
        details: input.details,
      };
      if (await store.moderation.insertReport(report)) {
        const facts = { id, kind: target.kind, target: target.id, reason: input.reason };
        await (this.deps.events ?? NO_EVENTS).instanceEvent("report.created", facts);
        return { id };
      }
    }
    throw new Error("could not draw a free report id in 8 attempts");
  }

  async listReports(caller: Caller, state: ReportState | null, page: { limit: number; offset: number }) {
    requireAdmin(caller);
    return this.deps.store.moderation.listReports(state, page.limit, page.offset);
  }

  async dismiss(caller: Caller, id: string): Promise<void> {
    const admin = requireAdmin(caller);
    if (!(await this.deps.store.moderation.resolveReport(id, "dismissed", admin.fingerprint, this.now()))) {
      throw moderationErrors.reportNotFound();
    }
    await this.audit("REPORT_DISMISSED", admin, { report: id });
  }

  async deleteReport(caller: Caller, id: string): Promise<void> {
    const admin = requireAdmin(caller);
    if (!(await this.deps.store.moderation.deleteReport(id))) throw moderationErrors.reportNotFound();
    await this.audit("REPORT_DELETED", admin, { report: id });
  }

  /** The report an action names must exist: the audit trail would point at nothing. */
  private async requireReport(report: string | undefined): Promise<void> {
    if (report !== undefined && !(await this.deps.store.moderation.findReport(report))) {
      throw moderationErrors.reportNotFound();
    }
  }

  private requirePasteId(id: string): void {
    if (!isValidPasteId(id, this.deps.config.idLength)) throw pasteErrors.notFound();
  }

  private requireShortId(id: string): void {
    if (!SHORT_ID_PATTERN.test(id)) throw shortErrors.notFound();
  }

  async quarantinePaste(
    caller: Caller,
    id: string,
    options: { sameSource: boolean; report: string | undefined },
  ): Promise<string[]> {
    const admin = requireAdmin(caller);
    this.requirePasteId(id);
    await this.requireReport(options.report);
    const now = this.now();
    const ids = await this.deps.store.moderation.quarantinePaste(id, now, options.sameSource);
    if (ids.length === 0) throw pasteErrors.notFound();
    await this.actioned("paste", ids, admin, now);
    await this.audit("PASTE_QUARANTINED", admin, {
      target: id,
      report: options.report,
      same_source: options.sameSource,
      count: ids.length,
    });
    return ids;
  }

  async releasePaste(caller: Caller, id: string): Promise<void> {
    const admin = requireAdmin(caller);
    this.requirePasteId(id);
    if (!(await this.deps.store.moderation.releasePaste(id))) await this.missingOrNotQuarantined("paste", id);
    await this.audit("PASTE_RELEASED", admin, { target: id });
  }

  async pasteInfo(caller: Caller, id: string) {
    requireAdmin(caller);
    this.requirePasteId(id);
    const { moderation } = this.deps.store;
    const paste = await moderation.findPaste(id, this.now());
    if (!paste) throw pasteErrors.notFound();
    return { paste, reports: await moderation.reportIdsOf("paste", id) };
  }

  async quarantineShort(caller: Caller, id: string, report: string | undefined): Promise<void> {
    const admin = requireAdmin(caller);
    this.requireShortId(id);
    await this.requireReport(report);
    const now = this.now();
    if (!(await this.deps.store.moderation.quarantineShortUrl(id, now))) throw shortErrors.notFound();
    await this.actioned("short", [id], admin, now);
    await this.audit("SHORT_QUARANTINED", admin, { target: id, report });
  }

  async releaseShort(caller: Caller, id: string): Promise<void> {
    const admin = requireAdmin(caller);
    this.requireShortId(id);
    if (!(await this.deps.store.moderation.releaseShortUrl(id)))
      await this.missingOrNotQuarantined("short", id);
    await this.audit("SHORT_RELEASED", admin, { target: id });
  }

  async shortInfo(caller: Caller, id: string) {
    requireAdmin(caller);
    this.requireShortId(id);
    const { moderation } = this.deps.store;
    const short = await moderation.findShortUrl(id);
    if (!short) throw shortErrors.notFound();
    return { short, reports: await moderation.reportIdsOf("short", id) };
  }

  /** POST /admin/blocklist: by hash, or by a paste whose recorded hash is taken. */
  async block(caller: Caller, body: unknown): Promise<{ sha256: string; quarantined: string[] }> {
    const admin = requireAdmin(caller);
    const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
    const report = typeof b.report === "string" ? b.report : undefined;
    if (b.report !== undefined && report === undefined) throw moderationErrors.invalidBlock();
    let sha256: string;
    if (typeof b.sha256 === "string" && b.paste === undefined) {
      sha256 = b.sha256.toLowerCase();
      if (!SHA256.test(sha256)) throw moderationErrors.invalidBlock();
    } else if (typeof b.paste === "string" && b.sha256 === undefined) {
      this.requirePasteId(b.paste);
      const paste = await this.deps.store.moderation.findPaste(b.paste, this.now());
      if (!paste) throw pasteErrors.notFound();
      if (paste.sha256 === null) throw moderationErrors.hashUnknown();
      sha256 = paste.sha256;
    } else {
      throw moderationErrors.invalidBlock();
    }
    await this.requireReport(report);
    const now = this.now();
    const { quarantined } = await this.deps.store.moderation.addBlock({
      sha256,
      createdAt: now,
      createdBy: admin.fingerprint,
    });
    await this.actioned("paste", quarantined, admin, now);
    await this.audit("CONTENT_BLOCKED", admin, { sha256, report, count: quarantined.length });
    return { sha256, quarantined };
  }

  async unblock(caller: Caller, sha256: string): Promise<void> {
    const admin = requireAdmin(caller);
    const hash = sha256.toLowerCase();
    if (!SHA256.test(hash) || !(await this.deps.store.moderation.removeBlock(hash))) {
      throw moderationErrors.blockNotFound();
    }
    await this.audit("CONTENT_UNBLOCKED", admin, { sha256: hash });
  }

  async blocklist(caller: Caller, page: { limit: number; offset: number }) {
    requireAdmin(caller);
    return this.deps.store.moderation.listBlocks(page.limit, page.offset);
  }

  async writesMode(caller: Caller): Promise<WriteMode> {
    requireAdmin(caller);
    return this.deps.writes.mode();
  }

  async setWritesMode(caller: Caller, mode: WriteMode): Promise<void> {
    const admin = requireAdmin(caller);
    await this.deps.writes.set(mode);
    await this.audit("WRITES_CHANGED", admin, { mode });
  }

  private async actioned(kind: Kind, targets: readonly string[], admin: Admin, now: number) {
    await this.deps.store.moderation.actionReports(kind, targets, admin.fingerprint, now);
  }

  private async missingOrNotQuarantined(kind: Kind, id: string): Promise<never> {
    const { moderation } = this.deps.store;
    const found =
      kind === "paste" ? await moderation.findPaste(id, this.now()) : await moderation.findShortUrl(id);
    if (!found) throw kind === "paste" ? pasteErrors.notFound() : shortErrors.notFound();
    throw moderationErrors.notQuarantined();
  }

  private audit(event: Parameters<AuditLog["record"]>[0], admin: Admin, detail: Record<string, unknown>) {
    const defined = Object.fromEntries(Object.entries(detail).filter(([, v]) => v !== undefined));
    return this.deps.audit.record(event, admin.fingerprint, defined);
  }
}

import type { Clock } from "../../shared/clock.ts";
import type { Log } from "../../shared/logger.ts";
import type { AuthFailure, Metrics } from "../../shared/metrics.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { Store } from "../../store/store.ts";

export const AUDIT_EVENTS = [
  "CA_CREATED",
  "CERT_ISSUED",
  "SERVER_CERT_ISSUED",
  "CERT_REVOKED",
  "REGISTRATION",
  "AUTH_FAILURE",
  // Moderation (docs/moderation.md): every admin action.
  "REPORT_DISMISSED",
  "REPORT_DELETED",
  "PASTE_QUARANTINED",
  "PASTE_RELEASED",
  "SHORT_QUARANTINED",
  "SHORT_RELEASED",
  "CONTENT_BLOCKED",
  "CONTENT_UNBLOCKED",
  "WRITES_CHANGED",
  "ADMIN_DELETED",
] as const;
export type AuditEventName = (typeof AUDIT_EVENTS)[number];

const AUTH_FAILURE_METRIC: Record<string, AuthFailure> = {
  "revoked certificate": "revoked_certificate",
  "proxy secret mismatch": "proxy_secret",
  "identity header from an untrusted peer": "untrusted_peer",
};

/**
 * The audit trail of certificate lifecycle and authentication failures: kept in the store for
 * admins (GET /audit) and written to the log without fingerprints or common names. Repeated authentication failures
 * of one actor are recorded once a minute, so a client cannot fill the table.
 */
export class AuditLog {
  private readonly deps: { store: Pick<Store, "abuse" | "pki">; clock: Clock; log: Log; metrics?: Metrics };
  constructor(deps: { store: Pick<Store, "abuse" | "pki">; clock: Clock; log: Log; metrics?: Metrics }) {
    this.deps = deps;
  }

  async record(
    event: AuditEventName,
    actor: string | null,
    detail: Record<string, unknown> = {},
  ): Promise<void> {
    const at = unixSeconds(this.deps.clock.now());
    if (event === "AUTH_FAILURE") {
      this.deps.metrics?.authFailure(AUTH_FAILURE_METRIC[String(detail.reason)] ?? "proxy_secret");
      const minute = at - (at % 60);
      const key = `audit:${event}:${actor ?? "-"}:${String(detail.reason)}`;
      if ((await this.deps.store.abuse.incrementCounter(key, minute, minute + 60)) > 1) return;
    }
    await this.deps.store.pki.appendAudit({ at, event, actor, detail });
    // The log line names the event and the serial only: no fingerprint, no user-chosen common name.
    const { serial, reason } = detail;
    this.deps.log.info({ audit: event, serial, reason }, "audit event");
  }
}

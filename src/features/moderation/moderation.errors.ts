import { AppError } from "../../shared/errors.ts";
import { identityErrors } from "../identity/identity.errors.ts";

/** How long a client is told to wait while writes are closed (Retry-After, seconds). */
export const WRITES_CLOSED_RETRY_AFTER = 600;

/** Moderation's errors (docs/moderation.md): a stable code each. */
export const moderationErrors = {
  /** A paste or short URL an admin quarantined: every reader gets this, before any other check. */
  quarantined: () =>
    new AppError({ status: 451, code: "quarantined", message: "Unavailable for legal reasons" }),
  /** An upload whose bytes are on the blocklist: nothing is stored. */
  blocked: () => new AppError({ status: 451, code: "blocked", message: "Content blocked" }),
  writesIdentified: () =>
    new AppError({
      status: 403,
      code: "writes_identified",
      message: "Anonymous pastes are disabled on this server",
    }),
  writesClosed: () =>
    new AppError({
      status: 503,
      code: "writes_closed",
      message: "This server is read-only for now",
      headers: { "retry-after": String(WRITES_CLOSED_RETRY_AFTER) },
    }),
  invalidReport: (message: string) => new AppError({ status: 400, code: "invalid_report", message }),
  reportNotFound: () => new AppError({ status: 404, code: "report_not_found", message: "Report not found" }),
  blockNotFound: () => new AppError({ status: 404, code: "block_not_found", message: "Block not found" }),
  invalidBlock: () =>
    new AppError({
      status: 400,
      code: "invalid_block",
      message: 'Block needs {"sha256": "<64 hex>"} or {"paste": "<id>"}',
    }),
  /** A paste stored before its hash was recorded, with content that can no longer be read. */
  hashUnknown: () =>
    new AppError({ status: 409, code: "hash_unknown", message: "This paste's content hash is not known" }),
  notQuarantined: () => new AppError({ status: 409, code: "not_quarantined", message: "Not quarantined" }),
  authenticationRequired: identityErrors.authenticationRequired,
  adminRequired: identityErrors.adminRequired,
};

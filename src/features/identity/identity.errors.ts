import { AppError } from "../../shared/errors.ts";

/**
 * Who may do what: the errors of every feature that checks the caller (pastes, short URLs, the PKI,
 * the audit log), worded as the FlaskPaste API reference words them, one code each.
 */
export const identityErrors = {
  /** No client certificate (or token) where the operation needs one. */
  authenticationRequired: () =>
    new AppError({ status: 401, code: "authentication_required", message: "Authentication required" }),
  /** An identified caller that is not the admin (the first PKI registrant). */
  adminRequired: () =>
    new AppError({ status: 403, code: "admin_required", message: "Admin access required" }),
  /** A bearer token whose account no longer exists (as the image store words it). */
  notAuthorized: () =>
    new AppError({ status: 401, code: "not_authorized", message: "User is not authorized" }),
  /** An identified caller that neither owns the object nor is the admin. */
  permissionDenied: () =>
    new AppError({ status: 403, code: "permission_denied", message: "Permission denied" }),
};

import { MAX_VIEWS } from "../../protocol/vocabulary.ts";
import { AppError } from "../../shared/errors.ts";
import { identityErrors } from "../identity/identity.errors.ts";

/**
 * The paste API's stable error codes (docs/api.md). `invalid_json` is the same error as a JSON
 * body Fastify refuses (src/http/errors.ts), worded and coded alike.
 */
export const PASTE_ERROR_CODES = {
  invalidId: "invalid_paste_id",
  notFound: "paste_not_found",
  noContent: "no_content",
  invalidJson: "invalid_json",
  invalidMultipart: "invalid_multipart",
  tooLarge: "paste_too_large",
  tooSmall: "paste_too_small",
  passwordTooLong: "password_too_long",
  passwordRequired: "password_required",
  invalidPassword: "invalid_password",
  hashingBusy: "server_busy",
  uploadExpired: "upload_expired",
  incompleteBody: "incomplete_body",
  invalidMaxViews: "invalid_max_views",
  viewLimitConflict: "view_limit_conflict",
  rangeNotSatisfiable: "range_not_satisfiable",
} as const;

const C = PASTE_ERROR_CODES;

/** The paste API's errors, with the status codes and messages of the FlaskPaste API reference. */
export const pasteErrors = {
  invalidId: () => new AppError({ status: 400, code: C.invalidId, message: "Invalid paste ID format" }),
  notFound: () => new AppError({ status: 404, code: C.notFound, message: "Paste not found" }),
  /** A Range that starts past the content's end (RFC 9110: 416, with the size). */
  rangeNotSatisfiable: (size: number) =>
    new AppError({
      status: 416,
      code: C.rangeNotSatisfiable,
      message: "Range not satisfiable",
      extra: { size },
      headers: { "content-range": `bytes */${size}` },
    }),
  noContent: () => new AppError({ status: 400, code: C.noContent, message: "No content provided" }),
  invalidJson: () =>
    new AppError({
      status: 400,
      code: C.invalidJson,
      message: "Invalid JSON body",
      extra: { hint: 'Send {"content": "..."}' },
    }),
  invalidMultipart: (why: string) =>
    new AppError({ status: 400, code: C.invalidMultipart, message: `Invalid multipart body: ${why}` }),
  /**
   * `drain`: the rest of the body is small enough to be read and dropped, so the connection stays
   * open and the client, still sending, reads the answer instead of a reset; otherwise the
   * connection closes after the answer.
   */
  tooLarge: (size: number, maxSize: number, authenticated: boolean, drain = false) =>
    new AppError({
      status: 413,
      code: C.tooLarge,
      message: "Paste too large",
      extra: { size, max_size: maxSize, authenticated },
      headers: drain ? {} : { connection: "close" },
    }),
  tooSmall: (size: number, minSize: number) =>
    new AppError({
      status: 400,
      code: C.tooSmall,
      message: "Paste too small",
      extra: { size, min_size: minSize },
    }),
  passwordTooLong: (max: number) =>
    new AppError({ status: 400, code: C.passwordTooLong, message: `Password too long (max ${max} chars)` }),
  passwordRequired: () =>
    new AppError({
      status: 401,
      code: C.passwordRequired,
      message: "Password required",
      extra: { password_protected: true },
    }),
  invalidPassword: () => new AppError({ status: 403, code: C.invalidPassword, message: "Invalid password" }),
  /** The hashing thread's queue is full (every client at once): a last resort, see pastes.password.ts. */
  hashingBusy: () =>
    new AppError({
      status: 503,
      code: C.hashingBusy,
      message: "Server busy",
      extra: { hint: "try again shortly" },
      headers: { "retry-after": "5" },
    }),
  // Who may do what is the identity feature's (one wording and code for every feature).
  authenticationRequired: identityErrors.authenticationRequired,
  permissionDenied: identityErrors.permissionDenied,
  adminRequired: identityErrors.adminRequired,
  uploadExpired: () =>
    new AppError({
      status: 408,
      code: C.uploadExpired,
      message: "Upload took too long",
      extra: { hint: "send the paste again" },
    }),
  /** X-Max-Views that is not one whole number from 1 to MAX_VIEWS: nothing is stored. */
  invalidMaxViews: () =>
    new AppError({
      status: 400,
      code: C.invalidMaxViews,
      message: `Invalid X-Max-Views: a whole number from 1 to ${MAX_VIEWS}`,
      extra: { max_views: MAX_VIEWS },
    }),
  /** X-Burn-After-Read on with X-Max-Views other than 1: which one was meant is not known. */
  viewLimitConflict: () =>
    new AppError({
      status: 400,
      code: C.viewLimitConflict,
      message: "X-Burn-After-Read and X-Max-Views disagree",
      extra: { hint: "X-Burn-After-Read: true is X-Max-Views: 1; send one of them" },
    }),
  /** The request body stopped before its end (client gone, connection reset). */
  incompleteBody: () =>
    new AppError({ status: 400, code: C.incompleteBody, message: "Request body incomplete" }),
};

/** Thrown when a body passes its byte limit; `size` is the declared length or what arrived so far. */
export class BodyTooLarge extends Error {
  readonly size: number;
  constructor(size: number) {
    super("body too large");
    this.size = size;
  }
}

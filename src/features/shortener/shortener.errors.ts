import { AppError } from "../../shared/errors.ts";
import { identityErrors } from "../identity/identity.errors.ts";

/** The URL shortener's errors: a stable code each (docs/api.md), the message as the reference words it. */
export const shortErrors = {
  urlRequired: () =>
    new AppError({
      status: 400,
      code: "url_required",
      message: "URL required",
      extra: { hint: 'POST JSON {"url": "https://…"}' },
    }),
  /** A target refused for its form; the message says why (scheme, credentials, characters, host…). */
  invalid: (why: string) => new AppError({ status: 400, code: "invalid_target_url", message: why }),
  tooLong: (maxLength: number) =>
    new AppError({
      status: 400,
      code: "target_url_too_long",
      message: `URL too long (max ${maxLength} characters)`,
    }),
  redirectLoop: () =>
    new AppError({
      status: 400,
      code: "redirect_loop",
      message: "URL must not point to a short URL of this server (redirect loop)",
    }),
  notFound: () => new AppError({ status: 404, code: "short_url_not_found", message: "Short URL not found" }),
  // Who may do what is the identity feature's (one wording and code for every feature).
  authenticationRequired: identityErrors.authenticationRequired,
  adminRequired: identityErrors.adminRequired,
  permissionDenied: identityErrors.permissionDenied,
};

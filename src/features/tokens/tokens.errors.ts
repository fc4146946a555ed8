import { AppError } from "../../shared/errors.ts";
import { identityErrors } from "../identity/identity.errors.ts";

/** The errors of API tokens (docs/tokens.md), a stable code each. */
export const tokenErrors = {
  /** An `sbt_…` bearer that is malformed, unknown, expired or revoked, or whose owner is gone. */
  invalidToken: () =>
    new AppError({ status: 401, code: "invalid_token", message: "Unknown, expired or revoked API token" }),
  /** A valid token used on a route outside its scopes (or where only a full credential will do). */
  insufficientScope: (needed: string) =>
    new AppError({
      status: 403,
      code: "insufficient_scope",
      message: `This API token does not allow this request (it needs ${needed})`,
    }),
  invalidRequest: (message: string) => new AppError({ status: 400, code: "invalid_token_request", message }),
  limit: (max: number) =>
    new AppError({ status: 409, code: "token_limit", message: `At most ${max} live API tokens per owner` }),
  notFound: () => new AppError({ status: 404, code: "token_not_found", message: "API token not found" }),
  authenticationRequired: identityErrors.authenticationRequired,
  adminRequired: identityErrors.adminRequired,
};

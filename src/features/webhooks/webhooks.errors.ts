import { AppError } from "../../shared/errors.ts";
import { identityErrors } from "../identity/identity.errors.ts";
import { WEBHOOK_URL_MAX, WEBHOOKS_PER_OWNER } from "./webhooks.models.ts";

/** Webhooks' errors (docs/webhooks.md): a stable code each. */
export const webhookErrors = {
  invalidWebhook: () =>
    new AppError({
      status: 400,
      code: "invalid_webhook",
      message: "Webhook body must be a JSON object with url and events",
    }),
  invalidUrl: () =>
    new AppError({
      status: 400,
      code: "invalid_webhook_url",
      message: `Webhook URL must be an http:// or https:// URL of at most ${WEBHOOK_URL_MAX} characters, without a user name or password`,
    }),
  addressRefused: () =>
    new AppError({
      status: 400,
      code: "webhook_address_refused",
      message: "Webhook URL must not be a loopback, private, link-local or reserved address",
    }),
  invalidEvents: () =>
    new AppError({
      status: 400,
      code: "invalid_webhook_events",
      message: "Webhook events must be a non-empty list of: paste.read, paste.expired, paste.deleted",
    }),
  notFound: () => new AppError({ status: 404, code: "webhook_not_found", message: "Webhook not found" }),
  limitReached: () =>
    new AppError({
      status: 409,
      code: "webhook_limit_reached",
      message: `At most ${WEBHOOKS_PER_OWNER} webhooks per owner`,
    }),
  exists: () =>
    new AppError({ status: 409, code: "webhook_exists", message: "A webhook for this URL exists already" }),
  authenticationRequired: identityErrors.authenticationRequired,
};

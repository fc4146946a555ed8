/**
 * Webhooks' schemas (docs/webhooks.md): what each route takes and every answer it can give. The
 * body of POST /webhooks is checked by the usecase (each mistake has its documented code); its
 * schema here describes it in /openapi.json (docsBody).
 */
import { Type } from "typebox";
import { ErrorBody, SECURITY } from "../../http/schemas.ts";
import { WEBHOOK_EVENTS } from "../../protocol/vocabulary.ts";
import { rateLimitedResponse, rateLimitHeaders } from "../abuse/abuse.schemas.ts";
import { webhookErrors } from "./webhooks.errors.ts";
import { WEBHOOK_URL_MAX, WEBHOOKS_PER_OWNER } from "./webhooks.models.ts";

const TAGS = ["webhooks"];
const described = (description: string, ...examples: { body: unknown }[]) => ({
  ...ErrorBody,
  description,
  ...(examples.length > 0 && { examples: examples.map((e) => e.body) }),
});

const UNIDENTIFIED = described(
  "No identity (authentication_required), or a Bearer token that has expired, was revoked or names no user",
  webhookErrors.authenticationRequired(),
);
const FORGED = described("A Bearer token that does not verify (token_invalid)");

const Event = Type.Union(
  [Type.Literal("paste.read"), Type.Literal("paste.expired"), Type.Literal("paste.deleted")],
  {
    description: `An event of the owner's pastes: ${WEBHOOK_EVENTS.join(", ")}`,
  },
);

const WebhookBody = Type.Object({
  url: Type.String({
    maxLength: WEBHOOK_URL_MAX,
    description:
      "Where deliveries are POSTed: http:// or https://, no user name or password; never a loopback, private or link-local address (checked again on every address it resolves to)",
    examples: ["https://hooks.example/sealbin"],
  }),
  events: Type.Array(Event, { minItems: 1, description: "The events to deliver" }),
});

const Webhook = Type.Object({
  id: Type.String({ description: "16 hex characters" }),
  url: Type.String(),
  events: Type.Array(Event),
  created_at: Type.Integer({ description: "Unix time (seconds)" }),
  last_attempt_at: Type.Union([Type.Integer(), Type.Null()], {
    description: "When a delivery to it last ended (delivered, failed or given up)",
  }),
  last_result: Type.Union([Type.String(), Type.Null()], {
    description: 'How it ended: "delivered (HTTP 204)", "HTTP 500", "given up: …"',
  }),
  failed_deliveries: Type.Integer({ description: "Deliveries given up" }),
});

export const createWebhookSchema = {
  summary: "Register a webhook for the caller's pastes",
  description: `An identified caller (client certificate or Bearer token) registers a URL for events of the pastes it owns; at most ${WEBHOOKS_PER_OWNER}. The answer carries the signing secret, shown this once (docs/webhooks.md).`,
  tags: TAGS,
  security: SECURITY.identified,
  docsBody: { required: true, content: { "application/json": { schema: WebhookBody } } },
  response: {
    201: {
      ...Type.Object(
        {
          id: Type.String({ description: "16 hex characters" }),
          url: Type.String(),
          events: Type.Array(Event),
          created_at: Type.Integer({ description: "Unix time (seconds)" }),
          secret: Type.String({
            description: "The key deliveries are signed with (X-Sealbin-Signature); never shown again",
          }),
          message: Type.Literal("Webhook created"),
        },
        { description: "Registered" },
      ),
      headers: rateLimitHeaders,
    },
    400: described(
      "The body is not an object (invalid_webhook), the URL is malformed, too long or carries a user (invalid_webhook_url), its address is loopback, private or link-local (webhook_address_refused), the events are not a non-empty list of known events (invalid_webhook_events), or the JSON is malformed (invalid_json)",
      webhookErrors.invalidUrl(),
      webhookErrors.addressRefused(),
      webhookErrors.invalidEvents(),
    ),
    401: UNIDENTIFIED,
    409: described(
      `The owner has ${WEBHOOKS_PER_OWNER} webhooks already (webhook_limit_reached), or one for this URL (webhook_exists)`,
      webhookErrors.limitReached(),
      webhookErrors.exists(),
    ),
    413: described("Request body too large (body_too_large)"),
    415: described("Not JSON (unsupported_media_type)"),
    422: FORGED,
    429: rateLimitedResponse(true),
  },
} as const;

export const listWebhooksSchema = {
  summary: "List the caller's webhooks",
  description: "Oldest first, with how their last delivery ended; never their secrets.",
  tags: TAGS,
  security: SECURITY.identified,
  response: {
    200: Type.Object(
      { webhooks: Type.Array(Webhook), count: Type.Integer() },
      { description: "The caller's webhooks" },
    ),
    401: UNIDENTIFIED,
    422: FORGED,
  },
} as const;

export const deleteWebhookSchema = {
  summary: "Delete one of the caller's webhooks",
  description: "Its queued deliveries are dropped; nothing more is sent to it.",
  tags: TAGS,
  security: SECURITY.identified,
  params: Type.Object({ id: Type.String({ description: "Webhook id" }) }),
  response: {
    200: Type.Object({ message: Type.Literal("Webhook deleted") }, { description: "Deleted" }),
    401: UNIDENTIFIED,
    404: described("The caller has no webhook of that id (webhook_not_found)", webhookErrors.notFound()),
    422: FORGED,
  },
} as const;

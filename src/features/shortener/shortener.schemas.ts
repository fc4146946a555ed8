/**
 * The URL shortener's schemas: what each route takes and every answer it can give (validation,
 * handler types, serialisation and /openapi.json from one definition).
 */
import { type Static, Type } from "typebox";
import {
  Empty,
  ErrorBody,
  errorWith,
  headerText,
  pagingFields,
  powHeaders,
  SECURITY,
} from "../../http/schemas.ts";
import { HEADERS } from "../../protocol/vocabulary.ts";
import { POW_REFUSED_EXAMPLES, rateLimitedResponse, rateLimitHeaders } from "../abuse/abuse.schemas.ts";
import { QUARANTINED_RESPONSE, WRITES_IDENTIFIED } from "../moderation/moderation.schemas.ts";
import { shortErrors } from "./shortener.errors.ts";

const TAGS = ["shortener"];
const EXAMPLE_ID = "AbCdEfGh";

const error = (code: string, message: string, extra: Record<string, unknown> = {}) => ({
  error: message,
  code,
  ...extra,
});

/** A short URL as every route shows it (POST /s leaves out `clicks`). */
const shortUrlFields = {
  id: Type.String({ description: "Base62, SHORT_ID_LENGTH characters", examples: [EXAMPLE_ID] }),
  url: Type.String({
    description: "The short URL's path on this server (URL_PREFIX included)",
    examples: [`/s/${EXAMPLE_ID}`],
  }),
  target_url: Type.String({
    description: "Where it redirects: the target as given, normalised (punycode host, percent-encoded path)",
    examples: ["https://example.com/long/path"],
  }),
  created_at: Type.Integer({ description: "Unix time (seconds)", examples: [1700000000] }),
  expires_at: Type.Optional(
    Type.Integer({ description: "Unix time (seconds) it stops redirecting; absent: never" }),
  ),
  owner: Type.Optional(
    Type.String({ description: "The creator's certificate fingerprint; absent for an anonymous creator" }),
  ),
};

export const ShortUrlCreated = Type.Object(shortUrlFields, {
  description: "Created",
  examples: [
    {
      id: EXAMPLE_ID,
      url: `/s/${EXAMPLE_ID}`,
      target_url: "https://example.com/long/path",
      created_at: 1700000000,
    },
  ],
});

export const ShortUrlInfo = Type.Object(
  {
    ...shortUrlFields,
    clicks: Type.Integer({ minimum: 0, description: "Redirects followed (GET, not HEAD)" }),
  },
  {
    description: "The short URL",
    examples: [
      {
        id: EXAMPLE_ID,
        url: `/s/${EXAMPLE_ID}`,
        target_url: "https://example.com/long/path",
        created_at: 1700000000,
        clicks: 3,
      },
    ],
  },
);

/** The body of POST /s, checked exactly (a number or an array is not a URL, and is not coerced into one). */
export const ShortenBody = Type.Object(
  {
    url: Type.String({
      description:
        "The target: an absolute http or https URL with a host, no credentials, no whitespace, control characters or backslashes, at most SHORT_URL_MAX characters, not one of this server's short URLs",
      examples: ["https://example.com/long/path"],
    }),
  },
  { examples: [{ url: "https://example.com/long/path" }] },
);
export type ShortenBody = Static<typeof ShortenBody>;

const idParams = Type.Object({
  id: Type.String({ description: "Short URL id (base62)", examples: [EXAMPLE_ID] }),
});

const notFound = errorWith({}, "No such short URL, or it has expired (short_url_not_found)");
const NOT_FOUND = { ...notFound, examples: [shortErrors.notFound().body] };

/**
 * The refusals of the identity hook, on every route of the paste API: a Bearer token that has
 * expired, was revoked or names no user (401), or does not verify (422). Where the route needs an
 * identity, no certificate and no token is a 401 too.
 */
const identityRefusals = (identityNeeded: boolean) => ({
  401: {
    ...ErrorBody,
    description: `${identityNeeded ? "No identity (authentication_required), or a" : "A"} Bearer token that has expired (token_expired), was revoked (token_revoked) or names no user (not_authorized)`,
    examples: [
      ...(identityNeeded ? [shortErrors.authenticationRequired().body] : []),
      error("token_expired", "Token has expired"),
      error("not_authorized", "User is not authorized"),
    ],
  },
  422: {
    ...ErrorBody,
    description: "A Bearer token that does not verify (token_invalid)",
    examples: [error("token_invalid", "Signature verification failed")],
  },
});

/** The refusals of POST /s that say what is wrong with the target, and those of its proof-of-work. */
const REFUSED_TARGET = {
  ...errorWith({ hint: Type.Optional(Type.String()) }),
  description:
    "The target is refused (url_required; invalid_target_url, the message saying why; target_url_too_long; redirect_loop), the proof-of-work is missing or failed (pow_required, pow_*), or the JSON is malformed (invalid_json)",
  examples: [
    shortErrors.urlRequired().body,
    shortErrors.invalid("Only http and https URLs are allowed").body,
    shortErrors.tooLong(2048).body,
    shortErrors.redirectLoop().body,
    ...POW_REFUSED_EXAMPLES,
  ],
};

export const ListQuery = Type.Object({
  ...pagingFields,
  all: Type.Optional(Type.String({ description: "1, true or yes: everyone's short URLs (admin only)" })),
});

const ShortUrlPage = Type.Object(
  {
    short_urls: Type.Array(ShortUrlInfo),
    count: Type.Integer({ description: "Short URLs on this page" }),
    total: Type.Integer({ description: "Short URLs in all" }),
    limit: Type.Integer(),
    offset: Type.Integer(),
  },
  { description: "A page of the caller's short URLs, newest first" },
);

const redirect = {
  ...Empty,
  description: "To the target",
  headers: {
    location: Type.String({ description: "The target URL" }),
    "cache-control": Type.String({ description: "no-store: every follow reaches sealbin" }),
  },
};

export const createSchema = {
  summary: "Create short URL (PoW required)",
  description:
    'JSON `{"url": "https://…"}`. http and https targets only, with a valid host and no credentials; a target that leads back to one of this server\'s short URLs (by any of its names, addresses or path spellings) is refused. Proof-of-work as for pastes (GET /challenge); X-Expiry sets a lifetime in seconds (capped by MAX_EXPIRY). Counted against the per-IP write limit.',
  tags: TAGS,
  security: SECURITY.anyoneOrIdentified,
  headers: Type.Object({
    ...powHeaders,
    [HEADERS.expiry]: headerText("Seconds until the short URL expires (capped by MAX_EXPIRY)"),
  }),
  // Parsed by Fastify's JSON parser, checked by the route against ShortenBody: exactly, so that
  // `{"url": 42}` is "url must be a string" rather than coerced into "42".
  docsBody: {
    required: true,
    content: { "application/json": { schema: ShortenBody } },
  },
  response: {
    201: {
      ...ShortUrlCreated,
      headers: {
        location: Type.String({ description: "The short URL's path (as `url`)" }),
        ...rateLimitHeaders,
      },
    },
    400: REFUSED_TARGET,
    ...identityRefusals(false),
    403: WRITES_IDENTIFIED,
    413: errorWith({}, "Request body too large (body_too_large)"),
    415: errorWith({}, "Not JSON (unsupported_media_type)"),
    429: rateLimitedResponse(true),
  },
} as const;

export const listSchema = {
  summary: "List your short URLs (requires auth)",
  description:
    "The caller's short URLs (a client certificate or a Bearer token), with their clicks, paged as GET /pastes; `?all=1` lists everyone's (admin).",
  tags: TAGS,
  security: SECURITY.identified,
  querystring: ListQuery,
  response: {
    200: ShortUrlPage,
    400: {
      ...ErrorBody,
      description: "Paging out of range (invalid_request, invalid_paging)",
      examples: [error("invalid_request", "Invalid request")],
    },
    ...identityRefusals(true),
    403: {
      ...ErrorBody,
      description: "`?all` without admin rights (admin_required)",
      examples: [shortErrors.adminRequired().body],
    },
  },
} as const;

export const followSchema = {
  summary: "Redirect to target URL (302)",
  description: "302 to the target, counted as a click. Unknown, malformed and expired ids are 404.",
  tags: TAGS,
  security: SECURITY.anyone,
  params: idParams,
  response: {
    302: redirect,
    ...identityRefusals(false),
    404: NOT_FOUND,
    429: rateLimitedResponse(false),
    ...QUARANTINED_RESPONSE,
  },
} as const;

export const followHeadSchema = {
  ...followSchema,
  summary: "Redirect headers (HEAD, not counted)",
  description: "As GET /s/{id} without a body, and not counted as a click (link previewers ask with HEAD).",
} as const;

export const deleteSchema = {
  summary: "Delete short URL (requires auth)",
  description:
    "By its creator (the same certificate or account) or an admin. Counted against the write limit.",
  tags: TAGS,
  security: SECURITY.identified,
  params: idParams,
  response: {
    200: Type.Object(
      { message: Type.Literal("Short URL deleted") },
      { description: "Deleted", examples: [{ message: "Short URL deleted" }] },
    ),
    ...identityRefusals(true),
    403: {
      ...ErrorBody,
      description: "Neither its creator nor an admin (permission_denied)",
      examples: [shortErrors.permissionDenied().body],
    },
    404: NOT_FOUND,
    429: rateLimitedResponse(true),
    ...QUARANTINED_RESPONSE,
  },
} as const;

export const infoSchema = {
  summary: "Short URL metadata",
  description: "The short URL with its target and clicks (those not yet written to the store included).",
  tags: TAGS,
  security: SECURITY.anyone,
  params: idParams,
  response: {
    200: ShortUrlInfo,
    ...identityRefusals(false),
    404: NOT_FOUND,
    429: rateLimitedResponse(false),
    ...QUARANTINED_RESPONSE,
  },
} as const;

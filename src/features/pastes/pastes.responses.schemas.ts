/**
 * The paste API's answers (pastes.schemas.ts attaches them to the routes): the bodies of its
 * successes and errors, as fast-json-stringify sends them. A field missing here is not sent; fields
 * come out in schema order, required ones first. Field names, messages and examples are the
 * FlaskPaste API reference's; the error codes are pastes.errors.ts's (docs/api.md).
 */

import { type TProperties, Type } from "typebox";
import { HEADERS } from "../../protocol/vocabulary.ts";
import { QUARANTINED_RESPONSE } from "../moderation/moderation.schemas.ts";

/** An example id: the reference's `abc12345`, at sealbin's default ID_LENGTH of 12. */
export const EXAMPLE_ID = "abc12345def0";
const ID = EXAMPLE_ID;
const CREATED_AT = 1700000000;

// ---- response bodies ----------------------------------------------------------------------------

const expiryFields = {
  expiry: Type.Unsafe<"fixed" | "idle">({
    type: "string",
    enum: ["fixed", "idle"],
    description:
      "fixed: the paste expires at expires_at (X-Expiry); idle: at idle_expires_at, which each read moves forward",
  }),
  expires_at: Type.Optional(
    Type.Integer({ description: "When a fixed expiry ends (Unix seconds); only with expiry fixed" }),
  ),
  idle_expires_at: Type.Optional(
    Type.Integer({
      description: "When the paste expires unless read before (Unix seconds); only with expiry idle",
    }),
  ),
};

/** A limited paste's views (X-Max-Views; burn-after-read is 1): both present, or neither. */
const viewFields = {
  max_views: Type.Optional(
    Type.Integer({ minimum: 1, description: "The views it was created with; only for a limited paste" }),
  ),
  views_left: Type.Optional(
    Type.Integer({
      minimum: 0,
      description:
        "The views it has left (the read that takes the last deletes it); only for a limited paste",
    }),
  ),
};

const mimeType = Type.String({ description: "The detected MIME type" });
const createdAt = Type.Integer({ description: "Unix seconds" });
const size = Type.Integer({ description: "Content size in bytes" });
const rawUrl = Type.String({ description: "Where the content is: GET {raw}" });

const rateLimitHeaders = {
  "x-ratelimit-limit": {
    type: "integer",
    description: "Writes allowed per RATE_WINDOW (with RATE_LIMIT on)",
  },
  "x-ratelimit-remaining": { type: "integer", description: "Writes left in this window" },
  "x-ratelimit-reset": { type: "integer", description: "When this window ends (Unix seconds)" },
};

export const PasteCreated = Type.Object(
  {
    id: Type.String({ description: "The paste's id" }),
    url: Type.String({ description: "The paste's path, under URL_PREFIX" }),
    raw: rawUrl,
    mime_type: mimeType,
    created_at: createdAt,
    owner: Type.Optional(
      Type.String({ description: "Who owns it: the caller's certificate fingerprint, when identified" }),
    ),
    burn_after_read: Type.Optional(
      Type.Literal(true, { description: "Only present if enabled (one view: X-Max-Views 1)" }),
    ),
    ...viewFields,
    ...expiryFields,
    password_protected: Type.Optional(
      Type.Literal(true, { description: "Only present if a password is set" }),
    ),
  },
  {
    description: "The paste, stored",
    headers: {
      location: { type: "string", description: "The paste's path (url)" },
      ...rateLimitHeaders,
    },
    examples: [
      {
        id: ID,
        url: `/${ID}`,
        raw: `/${ID}/raw`,
        mime_type: "text/plain",
        created_at: CREATED_AT,
        owner: "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2",
        burn_after_read: true,
        max_views: 1,
        views_left: 1,
        expiry: "fixed",
        expires_at: 1700003600,
        password_protected: true,
      },
    ],
  },
);

export const pasteMetaExample = {
  id: ID,
  mime_type: "text/plain",
  size: 1234,
  created_at: CREATED_AT,
  raw: `/${ID}/raw`,
  password_protected: true,
  expiry: "idle",
  idle_expires_at: 1700086400,
};

export const PasteMeta = Type.Object(
  {
    id: Type.String(),
    mime_type: mimeType,
    size,
    created_at: createdAt,
    raw: rawUrl,
    password_protected: Type.Optional(Type.Literal(true, { description: "Only present if protected" })),
    burn_after_read: Type.Optional(
      Type.Literal(true, { description: "Only present if enabled (one view: X-Max-Views 1)" }),
    ),
    ...viewFields,
    ...expiryFields,
  },
  { description: "The paste's metadata", examples: [pasteMetaExample] },
);

const PasteListItem = Type.Object({
  id: Type.String(),
  mime_type: mimeType,
  size,
  created_at: createdAt,
  ...expiryFields,
  burn_after_read: Type.Boolean(),
  ...viewFields,
  password_protected: Type.Boolean(),
  owner: Type.Optional(
    Type.Unsafe<string | null>({
      type: ["string", "null"],
      description: "With ?all: the owner (null for an anonymous paste)",
    }),
  ),
});

export const PasteList = Type.Object(
  {
    pastes: Type.Array(PasteListItem),
    count: Type.Integer({ description: "Pastes on this page" }),
    total: Type.Integer({ description: "Live pastes in all" }),
    limit: Type.Integer(),
    offset: Type.Integer(),
  },
  {
    description: "A page of live pastes, newest first",
    examples: [
      {
        pastes: [
          {
            id: ID,
            mime_type: "text/plain",
            size: 1234,
            created_at: CREATED_AT,
            expiry: "idle",
            idle_expires_at: 1700604800,
            burn_after_read: false,
            password_protected: false,
          },
        ],
        count: 1,
        total: 1,
        limit: 50,
        offset: 0,
      },
    ],
  },
);

export const PasteDeleted = Type.Object(
  { message: Type.String() },
  { description: "Deleted", headers: rateLimitHeaders, examples: [{ message: "Paste deleted" }] },
);

// ---- errors -------------------------------------------------------------------------------------

/**
 * An error body `{"error", "code", …}` for one status: `extra` are the documented fields of the
 * errors it covers, in an order each of them keeps (a response schema serialises in its own order).
 */
export function errorBody(description: string, extra: TProperties, examples: object[], headers?: object) {
  return Type.Object(
    {
      error: Type.String({ description: "The message, as the FlaskPaste reference words it" }),
      code: Type.String({ description: "Stable error code (docs/api.md)" }),
      ...extra,
    },
    { additionalProperties: true, description, examples, ...(headers && { headers }) },
  );
}

export const int = (description: string) => Type.Optional(Type.Integer({ description }));
export const text = (description: string) => Type.Optional(Type.String({ description }));
export const hint = text("What to do about it");

export const BEARER_401 =
  "not_authorized: a Bearer token whose account is gone; an expired or revoked Bearer token (docs/api.md)";
const BEARER_422 = "A malformed Authorization: Bearer header, or a token that does not verify (docs/api.md)";

export const badCreate = errorBody(
  "no_content; invalid_json; invalid_multipart; incomplete_body; paste_too_small; password_too_long; invalid_max_views; view_limit_conflict; pow_required, pow_invalid_token, pow_invalid_signature, pow_expired, pow_difficulty_risen, pow_invalid_solution, pow_used; entropy_too_low; recognizable_format",
  {
    size: int("paste_too_small: the content's size"),
    min_size: int("paste_too_small: MIN_SIZE"),
    entropy: Type.Optional(Type.Number({ description: "entropy_too_low: the content's, in bits per byte" })),
    min_entropy: Type.Optional(Type.Number({ description: "entropy_too_low: MIN_ENTROPY" })),
    detected: text("recognizable_format: the format found"),
    max_views: int("invalid_max_views: the most views X-Max-Views may say (10000)"),
    hint,
  },
  [
    { error: "No content provided", code: "no_content" },
    { error: "Proof-of-work required", code: "pow_required", hint: "GET /challenge for a new challenge" },
    { error: "Paste too small", code: "paste_too_small", size: 12, min_size: 64 },
    {
      error: "Content entropy too low",
      code: "entropy_too_low",
      entropy: 4.12,
      min_entropy: 7,
      hint: "Encrypt content before uploading (fpaste encrypts by default)",
    },
  ],
);

export const badId = (more = "") =>
  errorBody(`invalid_paste_id${more}`, {}, [{ error: "Invalid paste ID format", code: "invalid_paste_id" }]);

const unauthorized = (what: string, examples: object[]) =>
  errorBody(`${what}; ${BEARER_401}`, { password_protected: Type.Optional(Type.Literal(true)) }, examples);

const passwordRequired = unauthorized("password_required: the paste has a password and none was sent", [
  { error: "Password required", code: "password_required", password_protected: true },
]);

export const invalidBearer = errorBody(BEARER_422, {}, []);

export const tooMany = (what: string) =>
  errorBody(
    what,
    {
      retry_after: int("rate_limited: seconds until the client may try again"),
      count: int("duplicate_content: submissions of this content in the window"),
      window_seconds: int("duplicate_content: DEDUP_WINDOW"),
    },
    [{ error: "Rate limit exceeded", code: "rate_limited", retry_after: 42 }],
    { "retry-after": { type: "integer", description: "rate_limited: seconds to wait" } },
  );

export const notFound = errorBody("paste_not_found: no such paste, or it expired or burned", {}, [
  { error: "Paste not found", code: "paste_not_found" },
]);

/** 503 for the routes that hash passwords: the database, or (last resort) the hashing queue. */
export const unavailable = errorBody(
  "database_unavailable; server_busy: the password-hashing queue is full",
  { hint },
  [{ error: "Server busy", code: "server_busy", hint: "try again shortly" }],
  { "retry-after": { type: "integer", description: "Seconds to wait" } },
);

export const html = (description: string) => ({ schema: Type.String({ description }) });
const binary = { type: "string", format: "binary" };

/** POST /'s 503: the database, the hashing queue, or the write switch closed. */
export const createUnavailable = errorBody(
  "database_unavailable; server_busy: the password-hashing queue is full; writes_closed: the server is read-only for now (SEALBIN_WRITES=closed)",
  { hint },
  [
    { error: "Server busy", code: "server_busy", hint: "try again shortly" },
    { error: "This server is read-only for now", code: "writes_closed" },
  ],
  { "retry-after": { type: "integer", description: "Seconds to wait" } },
);

/** The statuses every read of a paste can answer (GET|HEAD /{id} and /{id}/raw). */
export const readErrors = {
  ...QUARANTINED_RESPONSE,
  400: badId("; password_too_long"),
  401: passwordRequired,
  403: errorBody("invalid_password", {}, [{ error: "Invalid password", code: "invalid_password" }]),
  404: notFound,
  422: invalidBearer,
  429: tooMany(
    "rate_limited: too many 404s from this client (RATE_NOTFOUND_MAX), too many wrong passwords (RATE_PASSWORD_MAX) or password hashes at once (PASSWORD_HASHES_PER_CLIENT)",
  ),
  503: unavailable,
};

const rawHeaders = {
  "content-disposition": {
    type: "string",
    enum: ["inline", "attachment"],
    description: "inline for image/* and text/*, attachment for types a browser would run",
  },
  "content-security-policy": { type: "string", description: "Nothing in the content may run or load" },
  [HEADERS.burnAfterRead]: {
    type: "string",
    enum: ["true"],
    description:
      "GET: this read took the paste's last view and deleted it (burn-after-read, or X-Max-Views); HEAD: the next GET will",
  },
  "content-length": { type: "integer", description: "The content's size (of the range, for 206)" },
  "accept-ranges": {
    type: "string",
    enum: ["bytes", "none"],
    description: "bytes: a Range is honoured (no view limit); none: the paste is always sent whole",
  },
  etag: { type: "string", description: "The content's validator, for If-Range (no view limit only)" },
  "content-range": { type: "string", description: "206: bytes start-end/size" },
};

/** Raw content: Fastify never serialises it (a Buffer or a stream), whatever its type. */
export const rawContent = (description: string) => ({
  description,
  headers: rawHeaders,
  // Any type, JSON included: a paste whose type is JSON is sent as stored, never serialised.
  content: { "*/*": { schema: binary } },
});

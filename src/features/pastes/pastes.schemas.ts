/**
 * The paste API's route schemas (POST /, GET|HEAD /{id}, GET|HEAD /{id}/raw, DELETE /{id},
 * GET /pastes): what Fastify validates, what the handlers' types are, how the JSON answers are
 * serialised and what /openapi.json says, in one place. The answers' bodies are in
 * pastes.responses.schemas.ts; the error codes in pastes.errors.ts and docs/api.md.
 */

import { Type } from "typebox";
import { PAGE_LIMIT_MAX, PAGE_OFFSET_MAX } from "../../http/paging.ts";
import { headerText, powHeaders, SECURITY } from "../../http/schemas.ts";
import { HEADERS, MAX_VIEWS } from "../../protocol/vocabulary.ts";
import {
  BLOCKED_RESPONSE,
  QUARANTINED_RESPONSE,
  WRITES_IDENTIFIED,
} from "../moderation/moderation.schemas.ts";
import { PASSWORD_MAX_CHARS } from "./pastes.password.ts";
import {
  BEARER_401,
  badCreate,
  badId,
  createUnavailable,
  EXAMPLE_ID,
  errorBody,
  hint,
  html,
  int,
  invalidBearer,
  notFound,
  PasteCreated,
  PasteDeleted,
  PasteList,
  PasteMeta,
  pasteMetaExample,
  rawContent,
  readErrors,
  text,
  tooMany,
} from "./pastes.responses.schemas.ts";

const TAGS = ["pastes"];

// ---- request parts ------------------------------------------------------------------------------

const IdParams = Type.Object({
  id: Type.String({
    description: "The paste's id: ID_LENGTH (12) lowercase hexadecimal characters",
    examples: [EXAMPLE_ID],
  }),
});

const passwordHeader = {
  [HEADERS.pastePassword]: headerText(
    `The paste's password, if it has one (UTF-8, at most ${PASSWORD_MAX_CHARS} characters)`,
  ),
};

const CreateHeaders = Type.Object({
  ...powHeaders,
  [HEADERS.burnAfterRead]: headerText(
    "true, 1 or yes (any case): the first GET /{id}/raw deletes the paste (the same as X-Max-Views: 1); anything else: off",
  ),
  [HEADERS.maxViews]: headerText(
    `1 to ${MAX_VIEWS}: each GET /{id}/raw counts one view, and the one that takes the last deletes the paste. Anything else (0, ${MAX_VIEWS + 1}, 1.5, 1e3, -1, twice) is refused with invalid_max_views; with X-Burn-After-Read on, only 1 is accepted (view_limit_conflict)`,
  ),
  [HEADERS.expiry]: headerText(
    "A fixed expiry in whole seconds, capped at MAX_EXPIRY; an invalid value (negative, 0, 12x, 1e3) is ignored and the default, sliding expiry applies",
  ),
  [HEADERS.pastePassword]: headerText(
    `A password every read must then send in X-Paste-Password (UTF-8, at most ${PASSWORD_MAX_CHARS} characters)`,
  ),
});

const ReadHeaders = Type.Object(passwordHeader);

const ListQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: 50, description: "Page size" }),
  ),
  offset: Type.Optional(
    Type.Integer({ minimum: 0, maximum: PAGE_OFFSET_MAX, default: 0, description: "Pastes to skip" }),
  ),
  all: Type.Optional(Type.String({ description: "1, true or yes: everyone's pastes (admins only)" })),
});

/** POST /'s body, read by the route itself (pastes.body.ts): described, not validated by Fastify. */
const createBody = {
  content: {
    "application/octet-stream": {
      schema: {
        type: "string",
        format: "binary",
        description:
          "The content, as raw bytes (curl --data-binary @file): any Content-Type other than JSON and multipart means the same; a specific one (text/csv) names the MIME type when the bytes' magic numbers do not",
      },
    },
    "text/plain": {
      schema: { type: "string", description: "The content, as text", examples: ["Hello, World!\n"] },
    },
    "application/json": {
      schema: Type.Object(
        { content: Type.String({ description: "The content, as a JSON string (stored as UTF-8)" }) },
        { examples: [{ content: "Hello from JSON!" }] },
      ),
    },
    "multipart/form-data": {
      schema: Type.Object(
        {
          file: Type.String({
            format: "binary",
            description:
              "The content (curl -F file=@name); its part's Content-Type names the MIME type when the bytes do not. Other fields are ignored",
          }),
        },
        { additionalProperties: true },
      ),
    },
  },
};

// ---- the routes ---------------------------------------------------------------------------------

const READ_DESCRIPTION =
  "A password-protected paste needs X-Paste-Password. Wrong passwords are counted per client: at RATE_PASSWORD_MAX in a RATE_WINDOW, that client's further guesses are refused (429) until the window ends. Each read moves an idle paste's deadline forward.";

export const createPasteSchema = {
  summary: "Create a paste",
  description:
    'The body is the content: raw bytes (any Content-Type), JSON `{"content": "…"}` or a multipart/form-data `file` part. Up to MAX_ANON bytes, MAX_AUTH with a client certificate or Bearer token. The MIME type is detected: magic bytes, then a specific Content-Type, then UTF-8 (text/plain), else application/octet-stream. With proof-of-work on, send a solved GET /challenge in X-PoW-Token and X-PoW-Solution. The CLI and the web page encrypt before upload (docs/encryption.md).',
  tags: TAGS,
  security: SECURITY.anyoneOrIdentified,
  headers: CreateHeaders,
  docsBody: createBody,
  response: {
    201: PasteCreated,
    400: badCreate,
    401: errorBody(BEARER_401, {}, [{ error: "User is not authorized", code: "not_authorized" }]),
    408: errorBody("upload_expired: the upload's chunks expired before it ended", { hint }, [
      { error: "Upload took too long", code: "upload_expired", hint: "send the paste again" },
    ]),
    413: errorBody(
      "paste_too_large: the content (or the declared Content-Length) passes the caller's limit",
      {
        size: int("The content's size, or what arrived before the limit was passed"),
        max_size: int("MAX_ANON, or MAX_AUTH for an identified caller"),
        authenticated: Type.Optional(Type.Boolean({ description: "Whether the caller was identified" })),
      },
      [
        {
          error: "Paste too large",
          code: "paste_too_large",
          size: 5000000,
          max_size: 3145728,
          authenticated: false,
        },
      ],
      { connection: { type: "string", enum: ["close"], description: "The rest of the body is not read" } },
    ),
    415: errorBody("unsupported_media_type: a Content-Type header that is not a media type", {}, [
      { error: "Unsupported Content-Type", code: "unsupported_media_type" },
    ]),
    403: WRITES_IDENTIFIED,
    422: invalidBearer,
    429: tooMany(
      "rate_limited: RATE_MAX writes per RATE_WINDOW, or too many password hashes at once; duplicate_content: DEDUP_MAX submissions of the same content per DEDUP_WINDOW",
    ),
    ...BLOCKED_RESPONSE,
    503: createUnavailable,
  },
};

const metaResponses = {
  ...readErrors,
  200: PasteMeta,
};

export const pasteMetaSchema = {
  summary: "Paste metadata",
  description: `Never counts a view of a limited paste. A browser (Accept: text/html) gets the page that fetches, decrypts and shows the paste instead. ${READ_DESCRIPTION}`,
  tags: TAGS,
  security: SECURITY.anyone,
  params: IdParams,
  headers: ReadHeaders,
  response: {
    ...metaResponses,
    200: {
      description: "The paste's metadata; for a browser, the page that shows it",
      content: {
        "application/json": { schema: PasteMeta, example: pasteMetaExample },
        "text/html": html("The web page that shows the paste"),
      },
    },
    404: {
      description:
        "paste_not_found; for a browser asking for a path that cannot be a paste, the HTML not-found page",
      content: {
        "application/json": {
          schema: notFound,
          example: { error: "Paste not found", code: "paste_not_found" },
        },
        "text/html": html("The not-found page"),
      },
    },
  },
};

export const pasteMetaHeadSchema = {
  summary: "Paste metadata (headers only)",
  description: `GET /{id} without the body; never counts a view. ${READ_DESCRIPTION}`,
  tags: TAGS,
  security: SECURITY.anyone,
  params: IdParams,
  headers: ReadHeaders,
  response: metaResponses,
};

export const pasteRawSchema = {
  summary: "Paste content",
  description: `The bytes, under the paste's MIME type (code types as text/plain). Each read of a limited paste (X-Max-Views, X-Burn-After-Read) counts one view, atomically: the read that takes the last deletes the paste and says X-Burn-After-Read: true; readers after it get 404. ${READ_DESCRIPTION}`,
  tags: TAGS,
  security: SECURITY.anyone,
  params: IdParams,
  headers: ReadHeaders,
  response: {
    ...readErrors,
    200: rawContent("The content"),
    206: rawContent(
      "The one byte range a Range header asked for (bytes=start-end, start- or -suffix), with Content-Range; a paste with a view limit is always sent whole. If-Range with another validator than the ETag gets the whole content",
    ),
    416: errorBody(
      "range_not_satisfiable: the Range starts past the end (Content-Range: bytes */size)",
      { size: int("The content's size") },
      [{ error: "Range not satisfiable", code: "range_not_satisfiable", size: 5 }],
    ),
  },
};

export const pasteRawHeadSchema = {
  summary: "Paste content headers (no body)",
  description: `The headers GET /{id}/raw would send (type, size, X-Burn-After-Read when the next read is the last); never counts a view. ${READ_DESCRIPTION}`,
  tags: TAGS,
  security: SECURITY.anyone,
  params: IdParams,
  headers: ReadHeaders,
  response: { ...readErrors, 200: rawContent("The content's headers") },
};

export const deletePasteSchema = {
  summary: "Delete a paste",
  description: "By its owner, or an admin; a quarantined paste only by an admin (451 for its owner).",
  tags: TAGS,
  security: SECURITY.identified,
  params: IdParams,
  response: {
    200: PasteDeleted,
    400: badId(),
    401: errorBody(`authentication_required: no client certificate or token; ${BEARER_401}`, {}, [
      { error: "Authentication required", code: "authentication_required" },
    ]),
    403: errorBody("permission_denied: not the owner", {}, [
      { error: "Permission denied", code: "permission_denied" },
    ]),
    404: notFound,
    422: invalidBearer,
    429: tooMany("rate_limited: RATE_MAX writes per RATE_WINDOW"),
    ...QUARANTINED_RESPONSE,
  },
};

export const listPastesSchema = {
  summary: "List your pastes",
  description: "Your live pastes, newest first; with ?all=1 (admins), everyone's, each with its owner.",
  tags: TAGS,
  security: SECURITY.identified,
  querystring: ListQuery,
  response: {
    200: PasteList,
    400: errorBody(
      "invalid_request: limit or offset out of range; invalid_paging",
      { detail: text("invalid_request: what the check found") },
      [{ error: "Invalid request", code: "invalid_request", detail: "querystring/limit must be >= 1" }],
    ),
    401: errorBody(`authentication_required; ${BEARER_401}`, {}, [
      { error: "Authentication required", code: "authentication_required" },
    ]),
    403: errorBody("admin_required: ?all without admin rights", {}, [
      { error: "Admin access required", code: "admin_required" },
    ]),
    422: invalidBearer,
  },
};

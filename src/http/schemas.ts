/**
 * The schema pieces every feature's `<feature>.schemas.ts` builds on (TypeBox: one definition gives
 * Fastify's validation, the handlers' types, the JSON serialisation and /openapi.json). Errors have
 * one shape per API: `{"error", "code", …}` on the paste API, `{"message", "code"}` on the image
 * store's /api/v1; the extra fields an error documents are listed where it is used.
 */
import { type TProperties, type TSchema, Type } from "typebox";
import { HEADERS } from "../protocol/vocabulary.ts";
import { PAGE_LIMIT_MAX, PAGE_OFFSET_MAX } from "./paging.ts";

/** The paste API's error body: the seeds' message, a stable code (docs/api.md), documented extras. */
export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: "The message, worded as the FlaskPaste reference words it" }),
    code: Type.String({ description: "Stable error code (docs/api.md)", examples: ["paste_not_found"] }),
  },
  { additionalProperties: true, description: "An error" },
);

/** An error body with its documented extra fields. */
export const errorWith = (extra: TProperties, description = "An error") =>
  Type.Object(
    {
      error: Type.String(),
      code: Type.String(),
      ...extra,
    },
    { additionalProperties: true, description },
  );

/** The image store's error body (/api/v1): `message`, as the original API says, and the code. */
export const ImageStoreError = Type.Object(
  {
    message: Type.String({ description: "The message, worded as the image store's API words it" }),
    code: Type.String({ description: "Stable error code (docs/api.md)" }),
  },
  { additionalProperties: true, description: "An error" },
);

/** `{status: ErrorBody}` for each status. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorBody]));
}

/** A response with no body (204, 304, an empty 401). */
export const Empty = Type.Null({ description: "No body" });

/** A string header, as the schemas of request headers describe them (names in lower case). */
export const headerText = (description: string) => Type.Optional(Type.String({ description }));

/** The proof-of-work headers of a write (GET /challenge). */
export const powHeaders = {
  [HEADERS.powToken]: headerText("Token from GET /challenge"),
  [HEADERS.powSolution]: headerText("N such that SHA256(nonce:N) has the difficulty's leading zero bits"),
};

/** Who may call: no identity, a client certificate (a proxy's header or mTLS), or a bearer token. */
export const SECURITY = {
  anyone: [{}],
  identified: [{ clientCertificate: [] }, { bearer: [] }],
  anyoneOrIdentified: [{}, { clientCertificate: [] }, { bearer: [] }],
  bearer: [{ bearer: [] }],
} as const;

/** Statuses every operation can answer: a generic failure, and the database unreachable. */
export const ALWAYS = { 500: ErrorBody, 503: ErrorBody } as const;

/**
 * What a bad `Authorization: Bearer` answers on any route where an account token or an API token
 * identifies the caller (the paste API's, src/http/identity.ts): 401 expired, revoked or unknown
 * user or token, 403 an API token outside its scopes, 422 a malformed or forged JWT.
 */
export const BEARER_REFUSALS = {
  401: errorWith(
    {},
    "The bearer token is expired or revoked, or its user is gone; an API token that is unknown, expired or revoked (invalid_token)",
  ),
  403: errorWith({}, "An API token without the scope this route needs (insufficient_scope, docs/tokens.md)"),
  422: errorWith({}, "The Authorization header is malformed or its token is forged"),
} as const;

/** The paths where a bearer token is not looked at by the identity hook (they check their own). */
export const OWN_CREDENTIALS = /^\/(api\/|v1(\/|$)|metrics$)/;

/** `?limit=` and `?offset=` of every listing (checked by pageOf, src/http/paging.ts). */
export const pagingFields = {
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: 50, description: "Page size" }),
  ),
  offset: Type.Optional(
    Type.Integer({ minimum: 0, maximum: PAGE_OFFSET_MAX, default: 0, description: "Items to skip" }),
  ),
};

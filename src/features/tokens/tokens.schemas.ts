/**
 * API tokens' schemas (docs/tokens.md): what each route takes and every answer it can give. The body
 * is checked by the use case (each mistake has its message); its schema here describes it.
 */
import { Type } from "typebox";
import { ErrorBody, SECURITY } from "../../http/schemas.ts";
import { TOKEN_SCOPES, type TokenScope } from "../../protocol/vocabulary.ts";
import { tokenErrors } from "./tokens.errors.ts";
import { MAX_TOKEN_LIFETIME, MAX_TOKENS_PER_OWNER, TOKEN_NAME_MAX } from "./tokens.usecases.ts";

const TAGS = ["tokens"];
const described = (description: string, example?: { body: unknown }) => ({
  ...ErrorBody,
  description,
  ...(example && { examples: [example.body] }),
});

const Scope = Type.Unsafe<TokenScope>({
  type: "string",
  enum: [...TOKEN_SCOPES],
  description: TOKEN_SCOPES.join(", "),
});

const TokenFields = {
  id: Type.String({
    description: "16 hex characters; DELETE /tokens/{id} revokes it",
    examples: ["3f9a1c0d5e7b2a64"],
  }),
  name: Type.String({ description: "The owner's label" }),
  scopes: Type.Array(Scope),
  created_at: Type.Integer({ description: "Unix time (seconds)" }),
  expires_at: Type.Union([Type.Integer(), Type.Null()], {
    description: "Unix time (seconds), or null: no expiry",
  }),
};
const TokenInfo = Type.Object({
  ...TokenFields,
  last_used_at: Type.Union([Type.Integer(), Type.Null()], {
    description: "Unix time (seconds) of a recent use, to within 5 minutes; null: never used",
  }),
});

const TokenBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: TOKEN_NAME_MAX, examples: ["ci"] }),
  scopes: Type.Array(Scope, { minItems: 1, uniqueItems: true, examples: [["paste:create"]] }),
  expires_in: Type.Optional(
    Type.Union([Type.Integer({ minimum: 60, maximum: MAX_TOKEN_LIFETIME }), Type.Null()], {
      description: "Seconds until it expires; absent or null: never",
    }),
  ),
});

/** An API token can manage no tokens: only a client certificate or an account's JWT. */
const FULL_CREDENTIAL_ONLY = {
  401: described(
    "No identity (authentication_required), or a Bearer credential that is expired, revoked or unknown",
    tokenErrors.authenticationRequired(),
  ),
  403: described("An API token is used (insufficient_scope: tokens are managed with a full credential)"),
};

export const createTokenSchema = {
  summary: "Create an API token (identified)",
  description: `The secret (\`token\`, sbt_…) is in this answer only: the server keeps its SHA-256. \`Authorization: Bearer sbt_…\` then acts as the caller within the scopes (docs/tokens.md). Only an admin may grant \`admin\`. At most ${MAX_TOKENS_PER_OWNER} live tokens per owner.`,
  tags: TAGS,
  security: SECURITY.identified,
  docsBody: { required: true, content: { "application/json": { schema: TokenBody } } },
  response: {
    201: Type.Object(
      {
        ...TokenFields,
        token: Type.String({ description: "The secret, shown this once", examples: ["sbt_…"] }),
      },
      { description: "Created" },
    ),
    400: described(
      "The body is malformed (invalid_token_request: the message says why), or the JSON is (invalid_json)",
      tokenErrors.invalidRequest('Unknown scope "paste:read": one of …'),
    ),
    ...FULL_CREDENTIAL_ONLY,
    403: described(
      "admin asked for by a caller who is not an admin (admin_required), or an API token is used (insufficient_scope)",
      tokenErrors.adminRequired(),
    ),
    409: described(
      "The owner already has the most live tokens (token_limit)",
      tokenErrors.limit(MAX_TOKENS_PER_OWNER),
    ),
    413: described("Request body too large (body_too_large)"),
    415: described("Not JSON (unsupported_media_type)"),
  },
};

export const listTokensSchema = {
  summary: "List your API tokens (identified)",
  description: "Newest first, expired ones included until the sweep removes them; never the secrets.",
  tags: TAGS,
  security: SECURITY.identified,
  response: {
    200: Type.Object({ tokens: Type.Array(TokenInfo) }),
    ...FULL_CREDENTIAL_ONLY,
  },
};

export const revokeTokenSchema = {
  summary: "Revoke one of your API tokens (identified)",
  description: "At once, for every server process: the next request with it gets 401 invalid_token.",
  tags: TAGS,
  security: SECURITY.identified,
  params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
  response: {
    200: Type.Object({ message: Type.Literal("Token revoked") }),
    ...FULL_CREDENTIAL_ONLY,
    404: described("None of your tokens has this id (token_not_found)", tokenErrors.notFound()),
  },
};

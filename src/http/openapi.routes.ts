/**
 * The schema of every route, keyed "METHOD /path" as Fastify registers it. Fastify validates params,
 * queries, headers and bodies against them, and /openapi.json is generated from them; the checks
 * that answer with documented messages (a paste's size, a short URL's target…) live in the usecases.
 */

import { HEADERS } from "../protocol/vocabulary.ts";
import { pagingQuery } from "./paging.ts";

type Schema = Record<string, unknown>;

const str = (description: string, extra: Schema = {}) => ({ type: "string", description, ...extra });
const params = (names: Record<string, string>) => ({
  type: "object",
  properties: Object.fromEntries(Object.entries(names).map(([k, d]) => [k, str(d)])),
  required: Object.keys(names),
});
const paging = {
  type: "object",
  properties: {
    ...pagingQuery,
    all: str("1, true or yes: everyone's (admin)"),
  },
};
const powHeaders = {
  [HEADERS.powToken]: str("Token from GET /challenge"),
  [HEADERS.powSolution]: str("N such that SHA256(nonce:N) has the difficulty's leading zero bits"),
};
/** Form fields of /api/v1: urlencoded or JSON, checked by the usecases (422 with a message). */
const form = (fields: Record<string, string>) => ({
  properties: Object.fromEntries(Object.entries(fields).map(([k, d]) => [k, { description: d }])),
});
const bearer = [{ bearer: [] }];
const certificate = [{ clientCertificate: [] }, { bearer: [] }];

const op = (tags: string, summary: string, description: string, extra: Schema = {}): Schema => ({
  tags: [tags],
  summary,
  description,
  ...extra,
});

const pasteId = params({ id: "Paste id (hex, ID_LENGTH characters)" });
const shortId = params({ id: "Short URL id (base62)" });
const image = { userId: "Owner's user id (24 hex)", fileName: "Image name without extension" };

export const ROUTE_DOCS: Record<string, Schema> = {
  "GET /": op(
    "operations",
    "API information",
    "Endpoints, limits, expiry rules and the proof-of-work in force.",
  ),
  "POST /": op(
    "pastes",
    "Create a paste",
    'Body: raw bytes, JSON `{"content"}` or multipart `file`. 201 `{id, url, raw, mime_type, created_at, …}`; 400 proof-of-work or content errors; 413 too large; 429 rate limited. The CLI encrypts before upload (docs/encryption.md).',
    {
      headers: {
        type: "object",
        properties: {
          ...powHeaders,
          [HEADERS.burnAfterRead]: str("true/1/yes: delete after the first read"),
          [HEADERS.expiry]: str("Seconds until expiry (capped by MAX_EXPIRY)"),
          [HEADERS.pastePassword]: str("Password readers must send (at most 1024 characters)"),
        },
      },
      security: [{}, ...certificate],
    },
  ),
  "GET /health": op("operations", "Health check", "200 `{status: healthy, database: ok}` or 503."),
  "GET /client": op(
    "operations",
    "Download the sealbin CLI",
    "One file, Node.js ≥ 20: `curl -o sealbin …/client`.",
  ),
  "GET /static/:name": op(
    "web",
    "Web interface assets",
    "The pages' scripts, styles and proof-of-work worker (`GET /` and `GET /{id}` with `Accept: text/html` serve the pages).",
  ),
  "GET /challenge": op("abuse", "Proof-of-work challenge", "`{enabled, nonce, difficulty, expires, token}`."),
  "GET /metrics": op(
    "operations",
    "Prometheus metrics",
    "Text format, for SEALBIN_METRICS_ALLOW networks or SEALBIN_METRICS_TOKEN; 403 otherwise.",
  ),
  "GET /pastes": op("pastes", "List your pastes", "`{pastes, count, total, limit, offset}`; 401 anonymous.", {
    querystring: paging,
    security: certificate,
  }),
  "GET /:id": op(
    "pastes",
    "Paste metadata",
    "`{id, mime_type, size, created_at, raw, …}`; 401/403 password; 404.",
    {
      params: pasteId,
      headers: { type: "object", properties: { [HEADERS.pastePassword]: str("The paste's password") } },
    },
  ),
  "DELETE /:id": op(
    "pastes",
    "Delete a paste",
    "Owner or admin: `{message: Paste deleted}`; 401, 403, 404.",
    {
      params: pasteId,
      security: certificate,
    },
  ),
  "GET /:id/raw": op(
    "pastes",
    "Paste content",
    "The bytes with their MIME type; a burn-after-read paste is deleted by this read.",
    {
      params: pasteId,
      headers: { type: "object", properties: { [HEADERS.pastePassword]: str("The paste's password") } },
    },
  ),
  "GET /pki": op("pki", "PKI status", "Whether the PKI is on, and its CA."),
  "POST /pki/ca": op("pki", "Create the CA", "Once; 409 after.", {
    body: { properties: { common_name: { description: "CA common name" } } },
  }),
  "GET /pki/ca.crt": op("pki", "CA certificate", "PEM."),
  "GET /pki/crl": op(
    "pki",
    "Certificate revocation list",
    "PEM, signed by the CA, for nginx `ssl_crl` or HAProxy `crl-file`.",
  ),
  "POST /pki/issue": op("pki", "Issue a client certificate (admin)", "Certificate, key and PKCS#12.", {
    body: {
      properties: {
        common_name: { description: "Common name" },
        pkcs12_password: { description: "PKCS#12 password" },
      },
    },
    security: certificate,
  }),
  "GET /pki/certs": op("pki", "Your certificates", "All, for an admin.", { security: certificate }),
  "POST /pki/revoke/:serial": op("pki", "Revoke a certificate", "Holder, issuer or admin.", {
    params: params({ serial: "Certificate serial (hex)" }),
    security: certificate,
  }),
  "GET /register/challenge": op("pki", "Registration challenge", "Proof-of-work at REGISTER_POW."),
  "POST /register": op("pki", "Register for a client certificate", "The first registrant becomes admin.", {
    headers: { type: "object", properties: powHeaders },
    body: {
      properties: {
        common_name: { description: "Common name" },
        pkcs12_password: { description: "PKCS#12 password" },
      },
    },
  }),
  "GET /audit": op("pki", "Audit log (admin)", "`{events, count, total, limit, offset}`.", {
    querystring: paging,
    security: certificate,
  }),
  "POST /s": op(
    "shortener",
    "Create a short URL",
    "JSON `{url}`; http(s) targets only, no credentials, no loops. 201 `{id, url, target_url, created_at}`.",
    {
      headers: {
        type: "object",
        properties: { ...powHeaders, [HEADERS.expiry]: str("Seconds until expiry") },
      },
      body: { type: "object", properties: { url: { description: "Target: absolute http or https URL" } } },
    },
  ),
  "GET /s": op("shortener", "List your short URLs", "`{short_urls, count, total, limit, offset}`.", {
    querystring: paging,
    security: certificate,
  }),
  "GET /s/:id": op("shortener", "Follow a short URL", "302 to the target; counts a click.", {
    params: shortId,
  }),
  "DELETE /s/:id": op("shortener", "Delete a short URL", "Owner or admin.", {
    params: shortId,
    security: certificate,
  }),
  "GET /s/:id/info": op("shortener", "Short URL metadata", "`{id, url, target_url, created_at, clicks}`.", {
    params: shortId,
  }),
  "POST /v1": op(
    "functions",
    "Call a sealed function",
    "JSON `{id, check, ts, entry}` of NaCl boxes; 200 `{value}` or an empty 401 (docs/functions.md).",
  ),
  "POST /v1/": op("functions", "Call a sealed function", "As POST /v1."),
  "POST /api/v1/auth/register": op("accounts", "Create an account", "201, empty; 409; 422.", {
    body: form({
      username: "3–64 letters, digits, . _ - @",
      password: "8–1024 characters",
      publicKey: "Public key text",
    }),
  }),
  "POST /api/v1/auth/login": op("accounts", "Sign in", "`{user_id, access_token}`; 422.", {
    body: form({ username: "User name", password: "Password" }),
  }),
  "POST /api/v1/auth/logout": op("accounts", "Sign out", "Revokes the token.", { security: bearer }),
  "GET /api/v1/users": op("accounts", "All users", "`[{public_key, user_id, user_name}]`.", {
    security: bearer,
  }),
  "GET /api/v1/users/:userId": op("accounts", "One user", "404 `User not found`.", {
    params: params({ userId: "User id (24 hex)" }),
    security: bearer,
  }),
  "GET /api/v1/users/:userId/images": op("accounts", "Your images", "`[{img_name}]`.", {
    params: params({ userId: image.userId }),
    security: bearer,
  }),
  "POST /api/v1/users/:userId/images": op(
    "accounts",
    "Upload an image",
    "Multipart `imageFile`, `quotient`; 201; 413; 422.",
    {
      params: params({ userId: image.userId }),
      security: bearer,
    },
  ),
  "GET /api/v1/users/:userId/images/download-all": op(
    "accounts",
    "All your images",
    "`[{img_name, img_content, quotient}]`.",
    {
      params: params({ userId: image.userId }),
      security: bearer,
    },
  ),
  "GET /api/v1/users/:userId/images/:fileName": op(
    "accounts",
    "Download an image",
    "Owner or grantee; `{img_name, img_content (ISO-8859-1), quotient}`; 404.",
    {
      params: params(image),
      security: bearer,
    },
  ),
  "PUT /api/v1/users/:userId/images/:fileName": op(
    "accounts",
    "Replace an image",
    "Owner or write grantee; multipart; 204.",
    {
      params: params(image),
      security: bearer,
    },
  ),
  "DELETE /api/v1/users/:userId/images/:fileName": op(
    "accounts",
    "Delete an image",
    "Owner or write grantee; 204; 404.",
    {
      params: params(image),
      security: bearer,
    },
  ),
  "GET /api/v1/users/:userId/images/:fileName/permissions": op(
    "accounts",
    "An image's grants",
    "`[{userId, role}]` (owner).",
    {
      params: params(image),
      security: bearer,
    },
  ),
  "POST /api/v1/users/:userId/images/:fileName/permissions": op(
    "accounts",
    "Share an image",
    "Form `user_id`, `role` (read|write); 201; 409.",
    {
      params: params(image),
      body: form({ user_id: "Grantee's user id", role: "read or write" }),
      security: bearer,
    },
  ),
  "GET /api/v1/users/:userId/images/:fileName/permissions/:userPermissionId": op(
    "accounts",
    "One grant",
    "`{userId, role}`; 404.",
    {
      params: params({ ...image, userPermissionId: "Grantee's user id" }),
      security: bearer,
    },
  ),
  "PUT /api/v1/users/:userId/images/:fileName/permissions/:userPermissionId": op(
    "accounts",
    "Change a grant",
    "Form `role`; 204; 404.",
    {
      params: params({ ...image, userPermissionId: "Grantee's user id" }),
      body: form({ role: "read or write" }),
      security: bearer,
    },
  ),
  "DELETE /api/v1/users/:userId/images/:fileName/permissions/:userPermissionId": op(
    "accounts",
    "Revoke a grant",
    "204; 404.",
    {
      params: params({ ...image, userPermissionId: "Grantee's user id" }),
      security: bearer,
    },
  ),
};

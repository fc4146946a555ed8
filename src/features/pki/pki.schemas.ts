/**
 * The PKI's routes, registration and the audit log, as the FlaskPaste API reference and PKI guide
 * describe them: one schema per route (validation, types, serialisation and /openapi.json), each
 * answer and error status listed. The bodies themselves are in pki.bodies.schemas.ts.
 */
import { type TSchema, Type } from "typebox";
import { powHeaders, SECURITY } from "../../http/schemas.ts";
import { POW_FAILURES } from "../../protocol/vocabulary.ts";
import type { AppError } from "../../shared/errors.ts";
import { abuseErrors } from "../abuse/abuse.errors.ts";
import { Challenge, rateLimitedResponse, rateLimitHeaders } from "../abuse/abuse.schemas.ts";
import { identityErrors } from "../identity/identity.errors.ts";
import {
  AuditPage,
  CaCreated,
  CaRequest,
  Certificates,
  Issued,
  IssueRequest,
  Paging,
  Pem,
  PkiStatus,
  pemOf,
  Registered,
  RegisterRequest,
  Revoked,
  SerialParams,
} from "./pki.bodies.schemas.ts";
import { pkiErrors } from "./pki.errors.ts";

// ---- errors ----

/** An error status: its body's shape, what it means, and the errors the route answers with it. */
function failure(description: string, ...errors: AppError[]): TSchema {
  return Type.Object(
    { error: Type.String(), code: Type.String() },
    {
      additionalProperties: true,
      description,
      ...(errors.length > 0 && { examples: errors.map((e) => e.body) }),
    },
  );
}

// The identity hook checks a Bearer token on every paste-API route before the route runs.
const TOKEN_401 = "a Bearer token expired, revoked or of a deleted account (not_authorized, …)";
const badToken = failure("A malformed Authorization header or a Bearer token that does not verify");
const body400 = "a body that is not JSON or not an object (invalid_json, invalid_request)";
const tooLarge = failure("The body is over 16 KiB (body_too_large)");
const unsupported = failure("A body that is neither JSON nor text (unsupported_media_type)");
const rateLimited = rateLimitedResponse(true);
const disabled = failure("The PKI is not enabled (pki_disabled)", pkiErrors.disabled());
const noCa = failure(
  "The PKI is not enabled, or has no CA yet (pki_disabled, ca_not_initialized)",
  pkiErrors.disabled(),
  pkiErrors.noCa(),
);
const powFailed = abuseErrors.powFailed(POW_FAILURES.expired);

const identityRefusals = { 401: failure(`Refused: ${TOKEN_401}`), 422: badToken };
const writes = { 413: tooLarge, 415: unsupported, 422: badToken, 429: rateLimited };

// ---- routes ----

export const pkiStatusSchema = {
  summary: "PKI status",
  description: "Whether the PKI is enabled, whether its CA exists, and the CA's details.",
  tags: ["pki"],
  security: SECURITY.anyone,
  response: { 200: PkiStatus, ...identityRefusals },
};

export const createCaSchema = {
  summary: "Create the CA",
  description:
    "Generates the certificate authority (EC P-384, its key encrypted with PKI_CA_PASSWORD), once: 409 after. Registration also creates it on first use.",
  tags: ["pki"],
  security: SECURITY.anyone,
  body: CaRequest,
  response: {
    201: { ...CaCreated, headers: rateLimitHeaders },
    400: failure(
      `An invalid common_name (invalid_common_name), or ${body400}`,
      pkiErrors.invalidCommonName(),
    ),
    401: identityRefusals[401],
    404: disabled,
    409: failure("The CA exists already (ca_exists)", pkiErrors.caExists()),
    ...writes,
  },
};

export const caCertificateSchema = {
  summary: "CA certificate",
  description: "The CA certificate, PEM (for a trust store, or nginx's ssl_client_certificate).",
  tags: ["pki"],
  security: SECURITY.anyone,
  response: {
    200: Pem("The CA certificate", pemOf("CERTIFICATE", "MIICxDCCAaygAwIBAgIUY...")),
    404: noCa,
    ...identityRefusals,
  },
};

export const crlSchema = {
  summary: "Certificate revocation list",
  description:
    "The serials revoked, PEM, signed by the CA now, for nginx `ssl_crl` or HAProxy `crl-file`. Signing costs CPU: counted against the write limit.",
  tags: ["pki"],
  security: SECURITY.anyone,
  response: {
    200: Pem("The CRL (X.509 v2)", pemOf("X509 CRL", "MIIBYjCB6gIBATAKBggqhkjOPQQDAzA..."), true),
    404: noCa,
    ...identityRefusals,
    429: rateLimited,
  },
};

export const issueSchema = {
  summary: "Issue a client certificate (admin)",
  description:
    "A client certificate (clientAuth, PKI_CERT_DAYS) with its key and a PKCS#12 bundle. Admins only; everyone else registers (POST /register).",
  tags: ["pki"],
  security: SECURITY.identified,
  body: IssueRequest,
  response: {
    201: { ...Issued, headers: rateLimitHeaders },
    400: failure(
      `A missing or invalid field (common_name_required, invalid_common_name, invalid_pkcs12_password), or ${body400}`,
      pkiErrors.commonNameRequired(),
      pkiErrors.invalidCommonName(),
      pkiErrors.invalidPkcs12Password(),
    ),
    401: failure(
      `No identity (authentication_required), or ${TOKEN_401}`,
      identityErrors.authenticationRequired(),
    ),
    403: failure("The caller is not the admin (admin_required)", identityErrors.adminRequired()),
    404: noCa,
    ...writes,
  },
};

export const listCertificatesSchema = {
  summary: "Your certificates",
  description:
    "The certificates the caller had issued or holds; all of them for an admin; an empty list for the anonymous.",
  tags: ["pki"],
  security: SECURITY.anyoneOrIdentified,
  response: { 200: Certificates, ...identityRefusals },
};

export const revokeSchema = {
  summary: "Revoke a certificate",
  description:
    "By its holder, whoever had it issued, or an admin. A revoked certificate authenticates as anonymous, and is listed in GET /pki/crl. The body, if any, is not read.",
  tags: ["pki"],
  security: SECURITY.identified,
  params: SerialParams,
  response: {
    200: { ...Revoked, headers: rateLimitHeaders },
    400: failure(`A body that is not JSON (invalid_json)`),
    401: failure(
      `No identity (authentication_required), or ${TOKEN_401}`,
      identityErrors.authenticationRequired(),
    ),
    403: failure("Neither holder, issuer nor admin (permission_denied)", identityErrors.permissionDenied()),
    404: failure(
      "No such certificate, or the PKI is not enabled (certificate_not_found, pki_disabled)",
      pkiErrors.certNotFound(),
      pkiErrors.disabled(),
    ),
    409: failure("Revoked already (certificate_already_revoked)", pkiErrors.alreadyRevoked()),
    ...writes,
  },
};

export const registerChallengeSchema = {
  summary: "Registration challenge",
  description: "A proof-of-work challenge for POST /register, at REGISTER_POW (GET /challenge's rules).",
  tags: ["pki"],
  security: SECURITY.anyone,
  response: { 200: Challenge, ...identityRefusals },
};

export const registerSchema = {
  summary: "Register for a client certificate",
  description:
    "Open when REGISTRATION_ENABLED, with the proof-of-work of GET /register/challenge when REGISTER_POW is set: a client certificate (trusted tier) with its key and a PKCS#12 bundle. The first registrant becomes the admin. The CA is created on first use.",
  tags: ["pki"],
  security: SECURITY.anyoneOrIdentified,
  headers: Type.Object(powHeaders),
  body: RegisterRequest,
  response: {
    201: { ...Registered, headers: rateLimitHeaders },
    400: failure(
      `Proof-of-work missing or refused (pow_required, pow_expired, pow_difficulty_risen…), an invalid field (invalid_common_name, invalid_pkcs12_password), or ${body400}`,
      abuseErrors.powRequired(),
      powFailed,
      pkiErrors.invalidCommonName(),
      pkiErrors.invalidPkcs12Password(),
    ),
    401: identityRefusals[401],
    403: failure("Registration is closed (registration_disabled)", pkiErrors.registrationDisabled()),
    404: disabled,
    ...writes,
  },
};

export const auditSchema = {
  summary: "Audit log (admin)",
  description:
    "Certificate lifecycle and authentication failures (CA_CREATED, CERT_ISSUED, SERVER_CERT_ISSUED, CERT_REVOKED, REGISTRATION, AUTH_FAILURE) and every moderation action (REPORT_DISMISSED, REPORT_DELETED, PASTE_QUARANTINED, PASTE_RELEASED, SHORT_QUARANTINED, SHORT_RELEASED, CONTENT_BLOCKED, CONTENT_UNBLOCKED, WRITES_CHANGED, ADMIN_DELETED; docs/moderation.md), newest first.",
  tags: ["pki"],
  security: SECURITY.identified,
  querystring: Paging,
  response: {
    200: AuditPage,
    400: failure("limit or offset out of range (invalid_request, invalid_paging)"),
    401: failure(
      `No identity (authentication_required), or ${TOKEN_401}`,
      identityErrors.authenticationRequired(),
    ),
    403: failure("The caller is not the admin (admin_required)", identityErrors.adminRequired()),
    422: badToken,
  },
};

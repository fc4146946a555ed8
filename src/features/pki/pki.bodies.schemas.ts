/**
 * The request and answer bodies of the PKI's routes, field by field as the FlaskPaste API reference
 * names them (pki.schemas.ts puts them together with the errors, route by route).
 */
import { type Static, Type } from "typebox";
import { pagingFields } from "../../http/schemas.ts";
import type { AppError } from "../../shared/errors.ts";
import { rateLimitHeaders } from "../abuse/abuse.schemas.ts";
import { AUDIT_EVENTS } from "./audit.ts";
import { NO_CA_HINT, pkiErrors } from "./pki.errors.ts";

// ---- fields ----

const FINGERPRINT = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2";
const SERIAL = "00000000000000000000000000000001";
const CERT_FINGERPRINT = "b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3";

const fingerprint = (description: string) =>
  Type.String({ pattern: "^[0-9a-f]{40}$", description, examples: [FINGERPRINT] });
const serial = Type.String({
  pattern: "^[0-9a-f]{32}$",
  description: "Serial number: 126 random bits, 32 lowercase hex characters",
  examples: [SERIAL],
});
const unixTime = (description: string) => Type.Integer({ description, examples: [1700000000] });
const commonName = Type.String({ description: "Common name", examples: ["alice"] });
/** Fingerprint of a caller: a certificate's SHA-1, or `acct:<user id>` for an image-store account. */
const callerId = (description: string) =>
  Type.Union([Type.String({ examples: [FINGERPRINT] }), Type.Null()], { description });

// ---- requests ----

const COMMON_NAME_RULE = "1 to 64 printable characters (no control characters)";

/** POST /pki/ca. */
export const CaRequest = Type.Object(
  {
    common_name: Type.Optional(
      Type.String({ description: `The CA's common name, ${COMMON_NAME_RULE}`, default: "sealbin CA" }),
    ),
  },
  { description: "Every field optional; an empty body will do", examples: [{ common_name: "My Paste CA" }] },
);
export type CaRequest = Static<typeof CaRequest>;

const pkcs12Password = Type.Optional(
  Type.Union([Type.String(), Type.Null()], {
    description: "Password of the PKCS#12 bundle, at most 256 characters; absent or null: an empty password",
  }),
);

/** POST /pki/issue. */
export const IssueRequest = Type.Object(
  {
    common_name: Type.Optional(Type.String({ description: `Required: ${COMMON_NAME_RULE}` })),
    pkcs12_password: pkcs12Password,
  },
  { examples: [{ common_name: "alice" }] },
);
export type IssueRequest = Static<typeof IssueRequest>;

/** POST /register. */
export const RegisterRequest = Type.Object(
  {
    common_name: Type.Optional(
      Type.String({ description: `${COMMON_NAME_RULE}; absent or empty: client-<time>` }),
    ),
    pkcs12_password: pkcs12Password,
  },
  { description: "Every field optional; an empty body will do", examples: [{ common_name: "my-laptop" }] },
);
export type RegisterRequest = Static<typeof RegisterRequest>;

/** The body fields a route reads; refused with their own documented errors when of the wrong type. */
export const BODY_FIELD_ERRORS: Readonly<
  Record<string, { types: readonly string[]; error: () => AppError }>
> = {
  common_name: { types: ["string"], error: pkiErrors.invalidCommonName },
  pkcs12_password: { types: ["string", "null"], error: pkiErrors.invalidPkcs12Password },
};

export const Paging = Type.Object(pagingFields);

export const SerialParams = Type.Object({
  serial: Type.String({ description: "The certificate's serial number (hex, any case)", examples: [SERIAL] }),
});

// ---- answers ----

const caFields = {
  common_name: Type.String({ description: "The CA's common name", examples: ["My Paste CA"] }),
  fingerprint_sha1: fingerprint("SHA-1 fingerprint of the CA certificate"),
  created_at: unixTime("Start of validity (Unix seconds)"),
  expires_at: unixTime("End of validity (Unix seconds)"),
};

export const PkiStatus = Type.Union(
  [
    Type.Object({ enabled: Type.Literal(false) }, { description: "PKI disabled" }),
    Type.Object(
      { enabled: Type.Literal(true), ca_exists: Type.Literal(false), hint: Type.Literal(NO_CA_HINT) },
      { description: "PKI enabled, no CA yet" },
    ),
    Type.Object(
      {
        enabled: Type.Literal(true),
        ca_exists: Type.Literal(true),
        ...caFields,
        key_algorithm: Type.String({ examples: ["ec:secp384r1"] }),
        issued: Type.Integer({ description: "Client certificates issued, revoked ones included" }),
        revoked: Type.Integer({ description: "Client certificates revoked" }),
      },
      { description: "PKI enabled with its CA" },
    ),
  ],
  {
    description: "Whether the PKI is on, and its CA",
    examples: [
      { enabled: false },
      { enabled: true, ca_exists: false, hint: NO_CA_HINT },
      {
        enabled: true,
        ca_exists: true,
        common_name: "FlaskPaste CA",
        fingerprint_sha1: FINGERPRINT,
        created_at: 1700000000,
        expires_at: 2015000000,
        key_algorithm: "ec:secp384r1",
        issued: 5,
        revoked: 1,
      },
    ],
  },
);

export const CaCreated = Type.Object(
  { message: Type.Literal("CA generated"), ...caFields, download: Type.Literal("/pki/ca.crt") },
  {
    description: "The CA, generated",
    examples: [
      {
        message: "CA generated",
        common_name: "My CA",
        fingerprint_sha1: FINGERPRINT,
        created_at: 1700000000,
        expires_at: 2015000000,
        download: "/pki/ca.crt",
      },
    ],
  },
);

const issuedFields = {
  serial,
  common_name: commonName,
  fingerprint_sha1: fingerprint(
    "SHA-1 fingerprint of the certificate: the X-SSL-Client-SHA1 it authenticates as",
  ),
  created_at: unixTime("Start of validity (Unix seconds)"),
  expires_at: unixTime("End of validity (Unix seconds)"),
  certificate_pem: Type.String({ description: "The certificate, PEM" }),
  private_key_pem: Type.String({ description: "Its private key, PEM (PKCS#8): not kept by the server" }),
  pkcs12: Type.String({ description: "Certificate and key as PKCS#12, base64", contentEncoding: "base64" }),
};
const issuedExample = {
  serial: SERIAL,
  common_name: "alice",
  fingerprint_sha1: CERT_FINGERPRINT,
  created_at: 1700000000,
  expires_at: 1731536000,
  certificate_pem: "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n",
  private_key_pem: "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n",
  pkcs12: "MIIG...",
};

export const Issued = Type.Object(
  { message: Type.Literal("Certificate issued"), ...issuedFields },
  {
    description: "The certificate issued, with its key: store the key, it is not recoverable",
    examples: [{ message: "Certificate issued", ...issuedExample }],
  },
);

export const Registered = Type.Object(
  {
    message: Type.Literal("Registration successful"),
    ...issuedFields,
    is_admin: Type.Boolean({ description: "The first registrant becomes the admin" }),
  },
  {
    description: "A client certificate for the registrant, with its key",
    examples: [{ message: "Registration successful", ...issuedExample, is_admin: true }],
  },
);

const Certificate = Type.Object({
  serial,
  common_name: commonName,
  fingerprint_sha1: fingerprint("SHA-1 fingerprint of the certificate"),
  created_at: unixTime("Start of validity (Unix seconds)"),
  expires_at: unixTime("End of validity (Unix seconds)"),
  status: Type.Union([Type.Literal("valid"), Type.Literal("revoked")]),
  issued_to: callerId("Who had it issued (their fingerprint), or null"),
});

export const Certificates = Type.Object(
  { certificates: Type.Array(Certificate), count: Type.Integer() },
  {
    description:
      "The caller's certificates: those it had issued or holds (all of them for an admin; none for the anonymous)",
    examples: [
      {
        certificates: [
          {
            serial: SERIAL,
            common_name: "alice",
            fingerprint_sha1: CERT_FINGERPRINT,
            created_at: 1700000000,
            expires_at: 1731536000,
            status: "valid",
            issued_to: FINGERPRINT,
          },
        ],
        count: 1,
      },
    ],
  },
);

export const Revoked = Type.Object(
  { message: Type.Literal("Certificate revoked"), serial },
  { description: "Revoked", examples: [{ message: "Certificate revoked", serial: SERIAL }] },
);

const AuditEvent = Type.Object({
  id: Type.Integer(),
  at: unixTime("When (Unix seconds)"),
  event: Type.Union(AUDIT_EVENTS.map((e) => Type.Literal(e))),
  actor: callerId("Whose request it was (a fingerprint), or null"),
  detail: Type.Object({}, { additionalProperties: true, description: "serial, common_name, reason…" }),
});

export const AuditPage = Type.Object(
  {
    events: Type.Array(AuditEvent),
    count: Type.Integer({ description: "Events in this page" }),
    total: Type.Integer({ description: "Events in the log" }),
    limit: Type.Integer(),
    offset: Type.Integer(),
  },
  {
    description: "The audit log, newest first",
    examples: [
      {
        events: [
          {
            id: 3,
            at: 1700000100,
            event: "CERT_REVOKED",
            actor: FINGERPRINT,
            detail: { serial: SERIAL, common_name: "alice" },
          },
        ],
        count: 1,
        total: 3,
        limit: 50,
        offset: 0,
      },
    ],
  },
);

/** A PEM answer: sent as text, never through a JSON serialiser. */
export const Pem = (description: string, example: string, rateLimited = false) => ({
  description,
  ...(rateLimited && { headers: rateLimitHeaders }),
  content: { "application/x-pem-file": { schema: { type: "string", examples: [example] } } },
});
export const pemOf = (label: string, base64: string) =>
  `-----BEGIN ${label}-----\n${base64}\n-----END ${label}-----\n`;

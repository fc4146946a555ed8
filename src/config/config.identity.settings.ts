import { boolean, cidrList, DAY, integer, setting, text } from "./config.forms.ts";

/**
 * Who the caller is: identity proxies, the built-in PKI, registration, and accounts (access tokens,
 * the image store).
 */
export const identitySettings = {
  identityProxies: setting({
    name: "IDENTITY_PROXIES",
    flaskpaste: false,
    kind: cidrList(),
    default: ["127.0.0.0/8", "::1/128"],
    doc: "Networks whose peers (the TCP peer, never X-Forwarded-For) may present X-SSL-Client-SHA1: the TLS-terminating proxy's addresses. From any other peer the header is ignored (the request is anonymous) and an AUTH_FAILURE is audited. SEALBIN_PROXY_SECRET, when set, is required on top. Unused when sealbin terminates TLS itself.",
    defaultDoc: "127.0.0.0/8,::1/128 (a proxy on the same host)",
  }),
  proxySecret: setting({
    name: "PROXY_SECRET",
    flaskpaste: true,
    kind: text("a string"),
    default: "",
    doc: "Shared secret the reverse proxy sends in X-Proxy-Secret. When set, X-SSL-Client-SHA1 is honoured only on requests that carry it.",
    secret: true,
    defaultDoc: "(empty)",
  }),
  pkiEnabled: setting({
    name: "PKI_ENABLED",
    flaskpaste: true,
    kind: boolean(),
    default: false,
    doc: "Enable the built-in certificate authority and its endpoints.",
  }),
  pkiCaPassword: setting({
    name: "PKI_CA_PASSWORD",
    flaskpaste: true,
    kind: text("a string"),
    default: "",
    doc: "Password that encrypts the CA private key at rest (AES-256-GCM, key derived with scrypt). Required when PKI_ENABLED is on.",
    secret: true,
    defaultDoc: "(empty)",
    aliases: ["FLASKPASTE_PKI_PASSWORD"],
  }),
  pkiCertDays: setting({
    name: "PKI_CERT_DAYS",
    flaskpaste: true,
    kind: integer(1, 3650),
    default: 365,
    doc: "Validity of issued client certificates, in days.",
  }),
  pkiCaDays: setting({
    name: "PKI_CA_DAYS",
    flaskpaste: true,
    kind: integer(1, 36500),
    default: 3650,
    doc: "Validity of the CA certificate, in days.",
  }),
  registrationEnabled: setting({
    name: "REGISTRATION_ENABLED",
    flaskpaste: true,
    kind: boolean(),
    default: false,
    doc: "Let anyone register through POST /register (with proof-of-work) for a PKI-issued client certificate. The first registered user becomes admin.",
  }),
  registerPow: setting({
    name: "REGISTER_POW",
    flaskpaste: true,
    kind: integer(0, 40),
    default: 24,
    doc: "Proof-of-work difficulty for registration (0 disables it there).",
  }),
  jwtTtl: setting({
    name: "JWT_TTL",
    flaskpaste: false,
    kind: integer(60, 30 * DAY),
    default: 900,
    doc: "Lifetime in seconds of the access tokens `POST /api/v1/auth/login` issues.",
  }),
  imagesMax: setting({
    name: "IMAGES_MAX",
    flaskpaste: false,
    kind: integer(1, 1_000_000),
    default: 1000,
    doc: "Images one account may keep in the image store (/api/v1).",
  }),
  downloadStallTimeout: setting({
    name: "DOWNLOAD_STALL_TIMEOUT",
    flaskpaste: false,
    kind: integer(1, 3600),
    default: 60,
    doc: "Seconds GET /api/v1/users/{id}/images/download-all waits for its client to take the next piece of the answer (at most 256 KiB) before it ends the answer as stalled, cut short, and the reading with it: a client must take at least 256 KiB in that time.",
  }),
} as const;

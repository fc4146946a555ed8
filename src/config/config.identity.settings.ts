import { boolean, cidrList, DAY, integer, setting, text } from "./config.forms.ts";

/**
 * Who the caller is: identity proxies, the built-in PKI, registration, and accounts (access tokens,
 * the image store).
 */
export const identitySettings = {
  identityProxies: setting(
    "IDENTITY_PROXIES",
    false,
    cidrList(),
    ["127.0.0.0/8", "::1/128"],
    "Networks whose peers (the TCP peer, never X-Forwarded-For) may present X-SSL-Client-SHA1: the TLS-terminating proxy's addresses. From any other peer the header is ignored (the request is anonymous) and an AUTH_FAILURE is audited. SEALBIN_PROXY_SECRET, when set, is required on top. Unused when sealbin terminates TLS itself.",
    { defaultDoc: "127.0.0.0/8,::1/128 (a proxy on the same host)" },
  ),
  proxySecret: setting(
    "PROXY_SECRET",
    true,
    text("a string"),
    "",
    "Shared secret the reverse proxy sends in X-Proxy-Secret. When set, X-SSL-Client-SHA1 is honoured only on requests that carry it.",
    { secret: true, defaultDoc: "(empty)" },
  ),
  pkiEnabled: setting(
    "PKI_ENABLED",
    true,
    boolean(),
    false,
    "Enable the built-in certificate authority and its endpoints.",
  ),
  pkiCaPassword: setting(
    "PKI_CA_PASSWORD",
    true,
    text("a string"),
    "",
    "Password that encrypts the CA private key at rest (AES-256-GCM, key derived with scrypt). Required when PKI_ENABLED is on.",
    { secret: true, defaultDoc: "(empty)", aliases: ["FLASKPASTE_PKI_PASSWORD"] },
  ),
  pkiCertDays: setting(
    "PKI_CERT_DAYS",
    true,
    integer(1, 3650),
    365,
    "Validity of issued client certificates, in days.",
  ),
  pkiCaDays: setting(
    "PKI_CA_DAYS",
    true,
    integer(1, 36500),
    3650,
    "Validity of the CA certificate, in days.",
  ),
  registrationEnabled: setting(
    "REGISTRATION_ENABLED",
    true,
    boolean(),
    false,
    "Let anyone register through POST /register (with proof-of-work) for a PKI-issued client certificate. The first registered user becomes admin.",
  ),
  registerPow: setting(
    "REGISTER_POW",
    true,
    integer(0, 40),
    24,
    "Proof-of-work difficulty for registration (0 disables it there).",
  ),
  jwtTtl: setting(
    "JWT_TTL",
    false,
    integer(60, 30 * DAY),
    900,
    "Lifetime in seconds of the access tokens `POST /api/v1/auth/login` issues.",
  ),
  imagesMax: setting(
    "IMAGES_MAX",
    false,
    integer(1, 1_000_000),
    1000,
    "Images one account may keep in the image store (/api/v1).",
  ),
  downloadStallTimeout: setting(
    "DOWNLOAD_STALL_TIMEOUT",
    false,
    integer(1, 3600),
    60,
    "Seconds GET /api/v1/users/{id}/images/download-all waits for its client to take the next piece of the answer (at most 256 KiB) before it ends the answer as stalled, cut short, and releases what the reading holds (on SQLite, a read snapshot): a client must take at least 256 KiB in that time.",
  ),
} as const;

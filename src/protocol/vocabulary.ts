/**
 * The names server and clients must spell alike: request and response headers (lower case, as
 * Node and fetch give them) and the API's paths. The server's routes, the CLI and the web page all
 * take them from here.
 */

export const HEADERS = {
  /** The paste's password, sent on create and on every read. */
  pastePassword: "x-paste-password",
  /** Seconds until the paste or short URL expires (the server caps it). */
  expiry: "x-expiry",
  /** "true", "1" or "yes": delete the paste after its first read (the same as X-Max-Views: 1). */
  burnAfterRead: "x-burn-after-read",
  /** 1 to MAX_VIEWS: the paste is deleted by its Nth successful GET /{id}/raw. */
  maxViews: "x-max-views",
  /** A webhook delivery's signature: t=<unix seconds>,v1=<HMAC-SHA256 hex of "t.body">. */
  webhookSignature: "x-sealbin-signature",
  /** A delivery's id, the same on every attempt: receivers dedupe with it. */
  webhookDelivery: "x-sealbin-delivery",
  /** The event a delivery carries (paste.read, …). */
  webhookEvent: "x-sealbin-event",
  /** The token of a challenge from GET /challenge or GET /register/challenge. */
  powToken: "x-pow-token",
  /** N, such that SHA-256(nonce:N) has the challenge's leading zero bits. */
  powSolution: "x-pow-solution",
  /** A client certificate's SHA-1 fingerprint, as a TLS-terminating proxy forwards it. */
  clientSha1: "x-ssl-client-sha1",
} as const;

/** Paths, relative to the server's base URL (which carries SEALBIN_URL_PREFIX when there is one). */
export const ROUTES = {
  info: "/",
  client: "/client",
  challenge: "/challenge",
  pastes: "/pastes",
  paste: (id: string) => `/${id}`,
  raw: (id: string) => `/${id}/raw`,
  shorten: "/s",
  register: "/register",
  registerChallenge: "/register/challenge",
  pki: "/pki",
  pkiCertificates: "/pki/certs",
  pkiCaCertificate: "/pki/ca.crt",
  pkiIssue: "/pki/issue",
  pkiRevoke: (serial: string) => `/pki/revoke/${serial}`,
  powWorker: "/static/pow-worker.js",
  accountRegister: "/api/v1/auth/register",
  accountLogin: "/api/v1/auth/login",
  accountLogout: "/api/v1/auth/logout",
  users: "/api/v1/users",
  user: (userId: string) => `/api/v1/users/${userId}`,
  images: (userId: string) => `/api/v1/users/${userId}/images`,
  functions: "/v1",
  report: "/report",
  adminReports: "/admin/reports",
  adminReport: (id: string) => `/admin/reports/${id}`,
  adminDismiss: (id: string) => `/admin/reports/${id}/dismiss`,
  adminPaste: (id: string) => `/admin/pastes/${id}`,
  adminShort: (id: string) => `/admin/s/${id}`,
  adminBlocklist: "/admin/blocklist",
  adminBlock: (sha256: string) => `/admin/blocklist/${sha256}`,
  adminWrites: "/admin/writes",
  uploads: "/uploads",
  upload: (id: string) => `/uploads/${id}`,
  tokens: "/tokens",
  token: (id: string) => `/tokens/${id}`,
  webhooks: "/webhooks",
  webhook: (id: string) => `/webhooks/${id}`,
} as const;

/** The most views X-Max-Views may allow. */
export const MAX_VIEWS = 10_000;

/** What an API token (sbt_…) may do: each scope a set of routes (docs/tokens.md). */
export const TOKEN_SCOPES = [
  "paste:create",
  "paste:read-own",
  "paste:delete",
  "short:create",
  "short:delete",
  "admin",
] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
/** The prefix of every API token's secret. */
export const TOKEN_PREFIX = "sbt_";

/** The events an owner's webhook may ask for (POST /webhooks), and the operator's instance events. */
export const WEBHOOK_EVENTS = ["paste.read", "paste.expired", "paste.deleted"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export const INSTANCE_EVENTS = ["paste.created", "report.created", "writes.changed"] as const;
export type InstanceEvent = (typeof INSTANCE_EVENTS)[number];

/** The reasons POST /report accepts (docs/moderation.md). */
export const REPORT_REASONS = ["spam", "malware", "phishing", "illegal", "copyright", "other"] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** The write switch's modes (SEALBIN_WRITES, PUT /admin/writes). */
export const WRITE_MODES = ["open", "identified", "closed"] as const;
export type WriteMode = (typeof WRITE_MODES)[number];

/** The most characters of a report's details. */
export const REPORT_DETAILS_MAX = 2000;

/**
 * A refused proof-of-work: the reason the message gives ("Proof-of-work failed: <reason>", the
 * seeds' words) and the error code the body carries. Those in POW_RETRYABLE mean a fresh challenge
 * will do: clients solve again instead of failing, deciding on the code.
 */
export const POW_FAILURES = {
  badToken: { reason: "Invalid token format", code: "pow_invalid_token" },
  badSignature: { reason: "Invalid signature", code: "pow_invalid_signature" },
  expired: { reason: "Challenge expired", code: "pow_expired" },
  risen: { reason: "Difficulty too low, the required difficulty has risen", code: "pow_difficulty_risen" },
  wrong: { reason: "Invalid solution", code: "pow_invalid_solution" },
  used: { reason: "Challenge already used", code: "pow_used" },
} as const;

/** The code of a write that carried no proof-of-work when one was required. */
export const POW_REQUIRED_CODE = "pow_required";

export const POW_RETRYABLE: readonly string[] = [
  POW_FAILURES.expired.code,
  POW_FAILURES.risen.code,
  POW_FAILURES.used.code,
];

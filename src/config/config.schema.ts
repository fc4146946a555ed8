import { availableParallelism } from "node:os";
import ipaddr from "ipaddr.js";

/**
 * The one configuration schema. Every key has its documentation, its form, its default and its
 * environment name (SEALBIN_<NAME>; FLASKPASTE_<NAME> too where the FlaskPaste documents name it).
 * docs/configuration.md is generated from this file (`npm run docs:config`), and a test keeps it so.
 */

export interface Setting<T> {
  /** NAME in SEALBIN_NAME. */
  readonly name: string;
  /** Whether FLASKPASTE_NAME, documented by the FlaskPaste seeds, is accepted as an alias. */
  readonly flaskpaste: boolean;
  readonly doc: string;
  /** The expected form, as shown in error messages and the docs. */
  readonly form: string;
  readonly default: T;
  /** How the default is shown in the docs when it is not simply the value. */
  readonly defaultDoc?: string;
  /** Never printed: not in logs and not in error messages. */
  readonly secret?: boolean;
  /** Further environment names accepted, as the seeds spell them elsewhere. */
  readonly aliases?: readonly string[];
  /** Returns the value, or throws an Error whose message is the expected form. */
  parse(raw: string): T;
}

class FormError extends Error {}

function integer(min: number, max: number) {
  const form = `an integer from ${min} to ${max}`;
  return {
    form,
    parse(raw: string): number {
      const trimmed = raw.trim();
      if (!/^-?[0-9]+$/.test(trimmed)) throw new FormError(form);
      const value = Number(trimmed);
      if (!Number.isSafeInteger(value) || value < min || value > max) throw new FormError(form);
      return value;
    },
  };
}

function decimal(min: number, max: number) {
  const form = `a decimal number from ${min} to ${max}`;
  return {
    form,
    parse(raw: string): number {
      const trimmed = raw.trim();
      if (!/^[0-9]+(\.[0-9]+)?$/.test(trimmed)) throw new FormError(form);
      const value = Number(trimmed);
      if (value < min || value > max) throw new FormError(form);
      return value;
    },
  };
}

function boolean() {
  const form = "a boolean: 1/0, true/false or yes/no";
  return {
    form,
    parse(raw: string): boolean {
      const value = raw.trim().toLowerCase();
      if (value === "1" || value === "true" || value === "yes") return true;
      if (value === "0" || value === "false" || value === "no") return false;
      throw new FormError(form);
    },
  };
}

function text(form = "a string", pattern?: RegExp) {
  return {
    form,
    parse(raw: string): string {
      if (pattern && !pattern.test(raw)) throw new FormError(form);
      return raw;
    },
  };
}

function cidrList() {
  const form = "comma-separated IP networks in CIDR form (10.0.0.0/8, ::1/128), or empty";
  return {
    form,
    parse(raw: string): string[] {
      const list = raw
        .split(",")
        .map((c) => c.trim())
        .filter((c) => c !== "");
      for (const cidr of list) {
        try {
          ipaddr.parseCIDR(cidr);
        } catch {
          throw new FormError(form);
        }
      }
      return list;
    },
  };
}

function workerCount() {
  const form = "auto (one per core) or an integer from 1 to 64";
  return {
    form,
    parse(raw: string): number {
      const v = raw.trim().toLowerCase();
      if (v === "auto") return Math.max(1, Math.min(64, availableParallelism()));
      if (!/^[0-9]+$/.test(v) || Number(v) < 1 || Number(v) > 64) throw new FormError(form);
      return Number(v);
    },
  };
}

function oneOf<const T extends string>(values: readonly T[]) {
  const form = `one of ${values.join(", ")}`;
  return {
    form,
    parse(raw: string): T {
      const value = raw.trim().toLowerCase();
      const found = values.find((v) => v === value);
      if (found === undefined) throw new FormError(form);
      return found;
    },
  };
}

function setting<T>(
  name: string,
  flaskpaste: boolean,
  kind: { form: string; parse(raw: string): T },
  defaultValue: T,
  doc: string,
  extra: { secret?: boolean; defaultDoc?: string; aliases?: readonly string[] } = {},
): Setting<T> {
  return { name, flaskpaste, doc, form: kind.form, parse: kind.parse, default: defaultValue, ...extra };
}

const DAY = 86_400;
const MIB = 1024 * 1024;
const BYTES_MAX = 1024 * MIB;

export const settings = {
  databaseUrl: setting(
    "DATABASE_URL",
    false,
    text("empty, or a postgres:// or postgresql:// connection URL", /^(|postgres(ql)?:\/\/.+)$/),
    "",
    "PostgreSQL connection URL (postgres://user:password@host:5432/db?sslmode=require). Set, it replaces the embedded SQLite database (SEALBIN_DB is then unused); several processes and hosts may share it.",
    { secret: true, defaultDoc: "(empty: embedded SQLite)" },
  ),
  host: setting("HOST", false, text("a host name or IP address"), "127.0.0.1", "Address to listen on."),
  port: setting("PORT", false, integer(0, 65_535), 5000, "TCP port to listen on (0 picks a free one)."),
  db: setting(
    "DB",
    true,
    text("a file path", /^.+$/),
    "./data/sealbin.db",
    "SQLite database file; its folder is created on first start.",
  ),
  trustProxyHops: setting(
    "TRUST_PROXY_HOPS",
    false,
    integer(0, 16),
    0,
    "Reverse proxies in front of sealbin whose X-Forwarded-For is trusted. 0: X-Forwarded-For is ignored and the client IP is the peer's address; N: the client IP is the Nth address from the right of X-Forwarded-For.",
  ),
  urlPrefix: setting(
    "URL_PREFIX",
    true,
    text(
      "empty, or a path starting with / and not ending with /",
      /^(|\/[A-Za-z0-9._~\-/]*[A-Za-z0-9._~-])$/,
    ),
    "",
    "Path prefix put in front of the `url` and `raw` links sealbin returns, for a reverse proxy that serves sealbin under a sub-path (the proxy strips it before passing the request on).",
  ),
  idLength: setting("ID_LENGTH", true, integer(8, 64), 12, "Paste ID length in hex characters."),
  maxAnon: setting(
    "MAX_ANON",
    true,
    integer(1, BYTES_MAX),
    3 * MIB,
    "Maximum paste size in bytes for anonymous callers.",
    { defaultDoc: "3145728 (3 MiB)" },
  ),
  maxAuth: setting(
    "MAX_AUTH",
    true,
    integer(1, BYTES_MAX),
    50 * MIB,
    "Maximum paste size in bytes for authenticated callers.",
    { defaultDoc: "52428800 (50 MiB)" },
  ),
  minSize: setting(
    "MIN_SIZE",
    true,
    integer(0, BYTES_MAX),
    0,
    "Minimum paste size in bytes (0 disables; e.g. 64 to insist on encrypted content).",
  ),
  expiryAnon: setting(
    "EXPIRY_ANON",
    true,
    integer(60, 3650 * DAY),
    DAY,
    "Default expiry in seconds for anonymous callers, counted from the last access.",
    { defaultDoc: "86400 (1 day)" },
  ),
  expiryUntrusted: setting(
    "EXPIRY_UNTRUSTED",
    true,
    integer(60, 3650 * DAY),
    7 * DAY,
    "Default expiry in seconds for callers with a certificate not issued by sealbin's PKI.",
    { defaultDoc: "604800 (7 days)" },
  ),
  expiryTrusted: setting(
    "EXPIRY_TRUSTED",
    true,
    integer(60, 3650 * DAY),
    30 * DAY,
    "Default expiry in seconds for callers with a certificate issued by sealbin's PKI.",
    { defaultDoc: "2592000 (30 days)" },
  ),
  maxExpiry: setting(
    "MAX_EXPIRY",
    true,
    integer(60, 3650 * DAY),
    90 * DAY,
    "Upper bound in seconds for a custom expiry set with X-Expiry.",
    { defaultDoc: "7776000 (90 days)" },
  ),
  shortIdLength: setting(
    "SHORT_ID_LENGTH",
    true,
    integer(6, 32),
    8,
    "Length of short-URL ids: base62 characters from a CSPRNG (8 gives about 47.6 bits).",
  ),
  shortUrlMax: setting(
    "SHORT_URL_MAX",
    true,
    integer(32, 65536),
    2048,
    "Longest target URL the shortener accepts, in characters.",
  ),
  functionsModules: setting(
    "FUNCTIONS_MODULES",
    false,
    text("a file path"),
    "./modules/modules.ini",
    "The sealed function API's modules file: `[Modules]` then `name=module` lines; each module is a .js/.mjs/.cjs/.ts file of that name in the file's folder exporting `entry_call()` (or `entryCall()`). A missing file means no functions (every call is refused).",
  ),
  functionsRequestTtl: setting(
    "FUNCTIONS_REQUEST_TTL",
    false,
    integer(1, 3600),
    30,
    "Seconds a sealed function call's timestamp may differ from the server's clock (the original's RequestTTL).",
  ),
  functionsIpTtl: setting(
    "FUNCTIONS_IP_TTL",
    false,
    integer(1, 7 * DAY),
    300,
    "Seconds an address stays known to the function API: the first call from an address not seen for this long is logged (the original's IPAddressTTL).",
  ),
  functionsTimeout: setting(
    "FUNCTIONS_TIMEOUT",
    false,
    integer(1, 600),
    10,
    "Seconds a function module may run before the call is refused and the module's worker is restarted.",
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
  metricsAllow: setting(
    "METRICS_ALLOW",
    false,
    cidrList(),
    ["127.0.0.0/8", "::1/128"],
    "Networks whose clients may read GET /metrics (the client address honours SEALBIN_TRUST_PROXY_HOPS). A request that came through a proxy sealbin does not trust (X-Forwarded-For present while TRUST_PROXY_HOPS is 0) never qualifies by address.",
    { defaultDoc: "127.0.0.0/8,::1/128 (loopback)" },
  ),
  metricsToken: setting(
    "METRICS_TOKEN",
    false,
    text("a string of at least 16 characters", /^(|.{16,})$/),
    "",
    "A bearer token (`Authorization: Bearer …`) that also grants GET /metrics, from any address.",
    { secret: true, defaultDoc: "(empty: none)" },
  ),
  tlsCert: setting(
    "TLS_CERT",
    false,
    text("a file path"),
    "",
    "PEM file with the server certificate (and any intermediates). With SEALBIN_TLS_KEY, SEALBIN_PORT serves HTTPS and terminates mTLS itself: it asks for, but does not require, a client certificate. SIGHUP reloads the files. `sealbin-server pki server-cert` issues one from the built-in CA.",
    { defaultDoc: "(empty: plain HTTP)" },
  ),
  tlsKey: setting(
    "TLS_KEY",
    false,
    text("a file path"),
    "",
    "PEM file with the private key of SEALBIN_TLS_CERT.",
    { defaultDoc: "(empty)" },
  ),
  tlsClientCa: setting(
    "TLS_CLIENT_CA",
    false,
    text("a file path"),
    "",
    "PEM file of the CA(s) that client certificates must chain to when sealbin terminates TLS. Empty: the built-in PKI's CA (no client certificate is accepted until it exists; with the PKI off, none is asked for). A certificate that does not verify is treated as no certificate.",
    { defaultDoc: "(empty: the built-in CA)" },
  ),
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
  powDifficulty: setting(
    "POW_DIFFICULTY",
    true,
    integer(0, 40),
    20,
    "Proof-of-work difficulty for creating pastes and short URLs, in leading zero bits of SHA-256 (0 disables proof-of-work).",
  ),
  powTtl: setting("POW_TTL", true, integer(10, DAY), 300, "Seconds a proof-of-work challenge stays valid."),
  powSecret: setting(
    "POW_SECRET",
    true,
    text("a string"),
    "",
    "Key that signs proof-of-work challenges. When empty, one is generated once and kept in the database, so every process and every restart agrees.",
    { secret: true, defaultDoc: "(generated)" },
  ),
  antiflood: setting(
    "ANTIFLOOD",
    true,
    boolean(),
    true,
    "Raise the proof-of-work difficulty while pastes are being created faster than the threshold.",
  ),
  antifloodWindow: setting(
    "ANTIFLOOD_WINDOW",
    true,
    integer(1, DAY),
    60,
    "Anti-flood measurement window in seconds.",
  ),
  antifloodThreshold: setting(
    "ANTIFLOOD_THRESHOLD",
    true,
    integer(1, 1_000_000),
    5,
    "Creations per window (across all clients) above which the difficulty rises.",
  ),
  antifloodStep: setting(
    "ANTIFLOOD_STEP",
    true,
    integer(1, 16),
    2,
    "Bits added each time the threshold is passed, and taken off after each ANTIFLOOD_DECAY seconds of calm.",
  ),
  antifloodMax: setting(
    "ANTIFLOOD_MAX",
    true,
    integer(1, 40),
    28,
    "Highest difficulty anti-flood raises to.",
  ),
  antifloodDecay: setting(
    "ANTIFLOOD_DECAY",
    true,
    integer(1, DAY),
    60,
    "Seconds without a rise before the difficulty falls back by one step.",
  ),
  rateLimit: setting("RATE_LIMIT", true, boolean(), true, "Per-client-IP rate limiting of write requests."),
  rateWindow: setting("RATE_WINDOW", true, integer(1, DAY), 60, "Rate limit window in seconds."),
  rateMax: setting(
    "RATE_MAX",
    true,
    integer(1, 1_000_000),
    10,
    "Write requests per window for an anonymous client IP.",
  ),
  rateRefusedMax: setting(
    "RATE_REFUSED_MAX",
    false,
    integer(1, 1_000_000),
    50,
    "Write requests refused for a missing or invalid proof-of-work, per window per client IP. They do not use up RATE_MAX (a client that first tries without proof-of-work still has its whole quota); beyond this many, that client's writes are refused with 429 until the window ends.",
  ),
  rateAuthMult: setting(
    "RATE_AUTH_MULT",
    true,
    integer(1, 1000),
    5,
    "Multiplier of RATE_MAX for callers with a client certificate.",
  ),
  rateIpv6Prefix: setting(
    "RATE_IPV6_PREFIX",
    false,
    integer(16, 128),
    64,
    "IPv6 clients are counted per network of this prefix length: one host usually owns a whole /64.",
  ),
  rateNotFoundMax: setting(
    "RATE_NOTFOUND_MAX",
    false,
    integer(0, 1_000_000),
    60,
    "Requests answered 404 per window per client IP before that client's reads are refused with 429, which stops paste ID enumeration (0 disables).",
  ),
  ratePasswordMax: setting(
    "RATE_PASSWORD_MAX",
    false,
    integer(0, 1_000_000),
    10,
    "Wrong paste passwords per window (SEALBIN_RATE_WINDOW) per client IP before that client's password guesses are refused with 429, before any hashing (0 disables). Counted in the store, so every process agrees; applies whether or not SEALBIN_RATE_LIMIT is on.",
  ),
  passwordHashesPerClient: setting(
    "PASSWORD_HASHES_PER_CLIENT",
    false,
    integer(1, 256),
    4,
    "Password hashes (paste creates and reads with X-Paste-Password) one client IP may have waiting or running at once; more are refused with 429. Waiting hashes are taken from each client in turn, so one client's flood never delays another's.",
  ),
  dedupWindow: setting(
    "DEDUP_WINDOW",
    true,
    integer(1, 30 * DAY),
    3600,
    "Duplicate-content window in seconds.",
  ),
  dedupMax: setting(
    "DEDUP_MAX",
    true,
    integer(1, 1_000_000),
    3,
    "Identical contents accepted per window; more are refused with 429.",
  ),
  minEntropy: setting(
    "MIN_ENTROPY",
    true,
    decimal(0, 8),
    0,
    "Minimum Shannon entropy in bits per byte (0 disables; 6.0 requires encrypted or compressed content).",
  ),
  minEntropySize: setting(
    "MIN_ENTROPY_SIZE",
    true,
    integer(0, BYTES_MAX),
    256,
    "Contents smaller than this many bytes are exempt from MIN_ENTROPY.",
  ),
  requireBinary: setting(
    "REQUIRE_BINARY",
    true,
    boolean(),
    false,
    "Refuse contents in a recognisable format (magic bytes or valid UTF-8): only opaque binary, such as ciphertext, is accepted.",
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
  workers: setting(
    "WORKERS",
    false,
    workerCount(),
    1,
    "Server processes sharing the port (node:cluster) and the database; `auto` runs one per core. All state lives in the database, so any process may answer any request.",
  ),
  cleanupInterval: setting(
    "CLEANUP_INTERVAL",
    false,
    integer(0, 7 * DAY),
    600,
    "Seconds between sweeps that delete expired pastes, used proof-of-work nonces and ended counters in batches (0 disables the sweep; expired pastes are refused at read time either way).",
  ),
  requestTimeout: setting(
    "REQUEST_TIMEOUT",
    false,
    integer(1, DAY),
    300,
    "Seconds a client has to send a whole request, body included.",
  ),
  headersTimeout: setting(
    "HEADERS_TIMEOUT",
    false,
    integer(1, 3600),
    30,
    "Seconds a client has to send the request headers.",
  ),
  keepAliveTimeout: setting(
    "KEEP_ALIVE_TIMEOUT",
    false,
    integer(1, 3600),
    5,
    "Seconds an idle keep-alive connection stays open.",
  ),
  logLevel: setting(
    "LOG_LEVEL",
    false,
    oneOf(["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const),
    "info",
    "Log level; logs are JSON lines on standard output.",
  ),
} as const;

export type Settings = typeof settings;
export type Config = { -readonly [K in keyof Settings]: Settings[K]["default"] };

/** The value forms, exported for their tests and for keys that later features add. */
export const forms = { integer, decimal, boolean, text, oneOf };

import { cidrList, DAY, integer, oneOf, setting, text, workerCount } from "./config.forms.ts";

/**
 * Where and how the server listens and stores: the database, the listening address, TLS, HTTP
 * timeouts, worker processes, logging, the cleanup sweep and GET /metrics.
 */
export const serverSettings = {
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
} as const;

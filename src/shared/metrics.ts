/**
 * What the features and the HTTP layer report to the process's metrics. They receive a `Metrics`
 * with their other dependencies and never know how it is exposed: the Prometheus implementation
 * (prom-client, GET /metrics) lives in src/features/ops/metrics.ts.
 */

export type PasteEvent = "created" | "read" | "burned" | "expired";
export type ShortUrlEvent = "created" | "followed";
export type AuthFailure =
  | "proxy_secret"
  | "untrusted_peer"
  | "revoked_certificate"
  | "token"
  | "login"
  | "function_call";
/** write: per-IP writes; read: the 404 guard; password: the password-guess guard. */
export type RateLimitKind = "write" | "read" | "password";

export interface Metrics {
  /** One answered request: its route template (never the URL), method, status and duration. */
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** +1 when a paste body starts streaming in, -1 once it is stored or given up. */
  upload(delta: 1 | -1): void;
  /** Paste bodies streaming in now. */
  readonly uploadsInProgress: number;
  paste(event: PasteEvent, n?: number): void;
  shortUrl(event: ShortUrlEvent): void;
  /** A write refused for a missing or failed proof-of-work. */
  powFailure(): void;
  /** A request refused with 429. */
  rateLimit(limit: RateLimitKind): void;
  authFailure(reason: AuthFailure): void;
}

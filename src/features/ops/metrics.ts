import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { AuthFailure, Metrics, PasteEvent, RateLimitKind, ShortUrlEvent } from "../../shared/metrics.ts";
import { RequestHistogram } from "./request-histogram.ts";

/**
 * The Prometheus metrics of one server process (prom-client, a registry of its own so that several
 * apps in one process, as in tests, never mix). Names follow Prometheus conventions: `_total`
 * counters, `_seconds` and `_bytes` units. Features see it as the `Metrics` of src/shared; only
 * GET /metrics (metrics.routes.ts) reads its exposition.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly http = new RequestHistogram(
    "sealbin_http_request_duration_seconds",
    "Time to answer a request, by route template, method and status.",
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    this.registry,
  );
  private readonly pastes = new Counter({
    name: "sealbin_pastes_total",
    help: "Pastes created, read (raw content served), burned (deleted by their last view) and expired (swept).",
    labelNames: ["event"] as const,
    registers: [this.registry],
  });
  private readonly shortUrls = new Counter({
    name: "sealbin_short_urls_total",
    help: "Short URLs created and followed.",
    labelNames: ["event"] as const,
    registers: [this.registry],
  });
  private readonly powFailures = new Counter({
    name: "sealbin_pow_failures_total",
    help: "Writes refused for a missing or failed proof-of-work.",
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: "sealbin_rate_limited_total",
    help: "Requests refused with 429, by limit (write: per-IP writes; read: the 404 guard; password: the password-guess guard).",
    labelNames: ["limit"] as const,
    registers: [this.registry],
  });
  private readonly authFailures = new Counter({
    name: "sealbin_auth_failures_total",
    help: "Authentication failures, by reason.",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  private inFlightUploads = 0;
  private readonly uploads = new Gauge({
    name: "sealbin_paste_uploads_in_progress",
    help: "Paste bodies streaming in now.",
    registers: [this.registry],
  });

  constructor(sources: { powDifficulty: () => Promise<number>; storeBytes: () => Promise<number> }) {
    new Gauge({
      name: "sealbin_pow_difficulty",
      help: "The proof-of-work difficulty in force now (leading zero bits), anti-flood included.",
      registers: [this.registry],
      async collect() {
        this.set(await sources.powDifficulty());
      },
    });
    new Gauge({
      name: "sealbin_store_size_bytes",
      help: "Size of the database on disk (SQLite file and its write-ahead log).",
      registers: [this.registry],
      async collect() {
        this.set(await sources.storeBytes());
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  observeRequest(route: string, method: string, status: number, seconds: number): void {
    this.http.observe(route, method, status, seconds);
  }

  /** +1 when a paste body starts streaming in, -1 once it is stored or given up. */
  upload(delta: 1 | -1): void {
    this.inFlightUploads += delta;
    this.uploads.set(this.inFlightUploads);
  }

  get uploadsInProgress(): number {
    return this.inFlightUploads;
  }

  paste(event: PasteEvent, n = 1): void {
    this.pastes.inc({ event }, n);
  }

  shortUrl(event: ShortUrlEvent): void {
    this.shortUrls.inc({ event });
  }

  powFailure(): void {
    this.powFailures.inc();
  }

  rateLimit(limit: RateLimitKind): void {
    this.rateLimited.inc({ limit });
  }

  authFailure(reason: AuthFailure): void {
    this.authFailures.inc({ reason });
  }

  /**
   * The text exposition. prom-client writes a NaN sample (the event-loop lag mean before any
   * sample) as `Nan`, which the Prometheus and OpenMetrics text formats do not accept: `NaN`.
   */
  async exposition(): Promise<string> {
    return (await this.registry.metrics()).replace(/ Nan(?= |$)/gm, " NaN");
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import ipaddr from "ipaddr.js";
import { unixSeconds } from "../../shared/time.ts";
import { abuseErrors, ProofOfWorkRefused } from "./abuse.errors.ts";
import type { AbuseDeps } from "./pow.usecases.ts";
import { ReadGuard } from "./read-guard.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * "write": counted against the per-IP write limit, with X-RateLimit-* headers.
     * "read": refused while the client has collected too many 404s (ID enumeration).
     */
    rateLimit?: "write" | "read";
  }
}

const OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const CANONICAL_IPV4 = new RegExp(`^(?:::ffff:)?(${OCTET}(?:\\.${OCTET}){3})$`, "i");

/**
 * The key a client is counted under: its IPv4 address, or its IPv6 network of `ipv6Prefix` bits
 * (one host usually owns a whole /64). IPv4-mapped IPv6 addresses count as IPv4.
 */
export function rateLimitKey(ip: string, ipv6Prefix: number): string {
  // The common case, a canonical dotted quad (as sockets report them), needs no parsing.
  const v4 = CANONICAL_IPV4.exec(ip);
  if (v4) return `v4:${v4[1]}`;
  if (!ipaddr.isValid(ip)) return `raw:${ip}`;
  let address = ipaddr.parse(ip);
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  if (address.kind() === "ipv4") return `v4:${address.toString()}`;
  const bytes = address.toByteArray();
  const fullBytes = Math.floor(ipv6Prefix / 8);
  const rest = ipv6Prefix % 8;
  const masked = bytes.map((b, i) =>
    i < fullBytes ? b : i === fullBytes && rest ? b & (0xff << (8 - rest)) : 0,
  );
  return `v6:${Buffer.from(masked).toString("hex")}/${ipv6Prefix}`;
}

/**
 * Per-client-IP limits, counted in the store so that several processes enforce one limit: write
 * routes get RATE_MAX per RATE_WINDOW (times RATE_AUTH_MULT with a certificate); read routes are
 * refused while a client has collected RATE_NOTFOUND_MAX 404s in the window (read-guard.ts).
 *
 * A write refused for a missing or invalid proof-of-work (ProofOfWorkRefused) did no work: it is
 * given back to the write quota and counted instead under `refused:`, with its own, larger limit
 * (RATE_REFUSED_MAX), so that a client that first tries without a challenge (the README's curl
 * examples) keeps its quota while a flood of unsolved requests is still cut off. The store has no
 * decrement: the quota used is `rate:` (every write request, counted atomically on arrival, so
 * parallel requests cannot overshoot) minus `refused:` (those given back).
 */
export function registerRateLimits(app: FastifyInstance, deps: AbuseDeps): void {
  const { config, counters, clock } = deps;
  if (!config.rateLimit) return;
  const windowOf = (now: number) => now - (now % config.rateWindow);
  const guard = new ReadGuard(deps);

  // Callback-style hooks: a route without a limit, a read from an address the guard has not blocked
  // and an answer that is not a 404 cost no promise.
  app.addHook("onRequest", (request, reply, done) => {
    const kind = request.routeOptions.config.rateLimit;
    if (kind === undefined || (kind === "read" && config.rateNotFoundMax === 0)) {
      done();
      return;
    }
    if (kind === "write") {
      checkWrite(request, reply).then(() => done(), done);
      return;
    }
    const now = unixSeconds(clock.now());
    const windowStart = windowOf(now);
    const refuse = (blocked: boolean) => {
      if (!blocked) return undefined;
      deps.metrics?.rateLimit("read");
      return abuseErrors.rateLimited(windowStart + config.rateWindow - now);
    };
    const blocked = guard.isBlocked(rateLimitKey(request.clientIp, config.rateIpv6Prefix), windowStart);
    if (typeof blocked === "boolean") done(refuse(blocked));
    else blocked.then((b) => done(refuse(b)), done);
  });

  async function checkWrite(request: FastifyRequest, reply: FastifyReply) {
    const now = unixSeconds(clock.now());
    const windowStart = windowOf(now);
    const reset = windowStart + config.rateWindow;
    const key = rateLimitKey(request.clientIp, config.rateIpv6Prefix);
    const limit = config.rateMax * (request.caller.fingerprint === null ? 1 : config.rateAuthMult);
    const count = await counters.increment(`rate:${key}`, windowStart, reset);
    const refused = await counters.read(`refused:${key}`, windowStart, reset);
    const used = count - refused;
    reply.header("x-ratelimit-limit", limit);
    reply.header("x-ratelimit-remaining", Math.max(0, limit - used));
    reply.header("x-ratelimit-reset", reset);
    if (used > limit || refused >= config.rateRefusedMax) {
      deps.metrics?.rateLimit("write");
      throw abuseErrors.rateLimited(reset - now);
    }
  }

  // Before the error handler answers: the write is given back before the client sees its 400, so
  // the client's next request finds it given back, whichever process it reaches.
  app.addHook("onError", (request, reply, error, done) => {
    if (!(error instanceof ProofOfWorkRefused) || request.routeOptions.config.rateLimit !== "write") {
      done();
      return;
    }
    // Counted in the window the request arrived in, the one whose `rate:` it was counted under.
    const reset = Number(reply.getHeader("x-ratelimit-reset"));
    if (!Number.isSafeInteger(reset)) {
      done();
      return;
    }
    const windowStart = reset - config.rateWindow;
    const key = rateLimitKey(request.clientIp, config.rateIpv6Prefix);
    Promise.resolve(counters.increment(`refused:${key}`, windowStart, reset)).then(() => {
      reply.header("x-ratelimit-remaining", Number(reply.getHeader("x-ratelimit-remaining")) + 1);
      done();
    }, done);
  });

  if (config.rateNotFoundMax === 0) return;
  // onSend, not onResponse: the 404 is counted before the client can see it, so a fast client
  // cannot squeeze further guesses in between.
  app.addHook("onSend", (request, reply, payload, done) => {
    if (reply.statusCode !== 404 || request.routeOptions.config.rateLimit !== "read") {
      done(null, payload);
      return;
    }
    const now = unixSeconds(clock.now());
    const windowStart = windowOf(now);
    const key = rateLimitKey(request.clientIp, config.rateIpv6Prefix);
    guard.notFound(key, windowStart, windowStart + config.rateWindow).then(() => done(null, payload), done);
  });
}

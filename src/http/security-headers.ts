import type { FastifyInstance } from "fastify";

/** The API reference's security headers, on every response, exactly. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "x-xss-protection": "1; mode=block",
  "referrer-policy": "strict-origin-when-cross-origin",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "permissions-policy": "geolocation=(), microphone=(), camera=()",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "cache-control": "no-store, no-cache, must-revalidate, private",
  pragma: "no-cache",
};

/**
 * Raw paste content may be anything a user uploaded: `sandbox` makes a browser treat it as a unique
 * opaque origin with scripts, forms and plugins off, on top of `default-src 'none'`.
 */
export const RAW_CONTENT_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

/**
 * The security headers and the request id, set as each request arrives: every answer, errors
 * included, carries them, and a route that tightens a header (raw content's CSP) overwrites it.
 * A synchronous hook: it costs no promise on the hot path.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook("onRequest", (request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    reply.header("x-request-id", request.id);
    done();
  });
}

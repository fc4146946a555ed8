/**
 * Which routes an API token may call, and with which scope (docs/tokens.md): the one table the
 * identity hook consults. A route not listed needs a full credential (a client certificate or an
 * account's JWT): a token on it is refused with 403 insufficient_scope, so a route added later is
 * closed to tokens until it is listed here. Public routes answer a token's bearer as anonymous.
 */
import type { TokenScope } from "../../protocol/vocabulary.ts";

/** The scopes any one of which lets a token call the route, or "public". */
export type RouteAccess = readonly TokenScope[] | "public";

const PUBLIC_PATHS = [
  "/",
  "/health",
  "/client",
  "/challenge",
  "/register/challenge",
  "/pki",
  "/pki/ca.crt",
  "/pki/crl",
  "/:id",
  "/:id/raw",
  "/s/:id",
  "/s/:id/info",
];

const TABLE = new Map<string, RouteAccess>();
for (const path of PUBLIC_PATHS) for (const m of ["GET", "HEAD"]) TABLE.set(`${m} ${path}`, "public");
// Anyone may report; the report records no reporter. tus discovery says only what anyone may send.
TABLE.set("POST /report", "public");
TABLE.set("OPTIONS /uploads", "public");
const scoped: [string, readonly TokenScope[]][] = [
  ["POST /", ["paste:create"]],
  ["POST /uploads", ["paste:create"]],
  ["HEAD /uploads/:id", ["paste:create"]],
  ["PATCH /uploads/:id", ["paste:create"]],
  ["DELETE /uploads/:id", ["paste:create"]],
  ["GET /pastes", ["paste:read-own", "admin"]],
  ["DELETE /:id", ["paste:delete"]],
  ["POST /s", ["short:create"]],
  ["GET /s", ["short:create", "short:delete"]],
  ["DELETE /s/:id", ["short:delete"]],
  ["GET /audit", ["admin"]],
  ["GET /pki/certs", ["admin"]],
  ["POST /pki/issue", ["admin"]],
  ["POST /pki/revoke/:serial", ["admin"]],
];
for (const [route, scopes] of scoped) {
  TABLE.set(route, scopes);
  if (route.startsWith("GET ")) TABLE.set(route.replace("GET", "HEAD"), scopes);
}

/** What a token may do on `method url` (Fastify's route template); undefined: a full credential only. */
export function routeAccess(method: string, url: string): RouteAccess | undefined {
  // No route matched: the 404 (or 405) tells nothing a token could protect.
  if (url === "") return "public";
  const listed = TABLE.get(`${method} ${url}`);
  if (listed) return listed;
  // Every moderation route is an admin's.
  if (url.startsWith("/admin/")) return ["admin"];
  return undefined;
}

import type { FastifyRequest } from "fastify";

/** A request header that was sent once; a repeated header counts as malformed and is ignored. */
export function singleHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" ? value : undefined;
}

/** A browser asking for a page (Accept names text/html); API clients (curl, fetch: any type) get JSON. */
export function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === "string" && accept.includes("text/html");
}

/**
 * A yes/no flag in a header or query (X-Burn-After-Read, `?all=`): true, 1 or yes in any case;
 * anything else is no.
 */
export function isFlagOn(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  return v === "true" || v === "1" || v === "yes";
}

/**
 * X-Expiry: whole positive seconds, capped at `maxExpiry`. Anything else (negative, zero, `12x`,
 * `1e3`, empty) is ignored, as the reference says: undefined means "use the default".
 */
export function parseExpiry(value: string | undefined, maxExpiry: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (!/^[0-9]{1,15}$/.test(v)) return undefined;
  const seconds = Number(v);
  if (seconds <= 0) return undefined;
  return Math.min(seconds, maxExpiry);
}

/**
 * host[:port] as this request addressed sealbin: its Host, and behind a trusted proxy the names in
 * X-Forwarded-Host. One without a port stands for every port.
 */
export function requestHosts(request: FastifyRequest, trustProxyHops: number): string[] {
  const hosts = [request.headers.host ?? ""];
  const forwarded = singleHeader(request, "x-forwarded-host");
  if (trustProxyHops > 0 && forwarded) hosts.push(...forwarded.split(",").map((h) => h.trim()));
  return hosts.filter((h) => h !== "");
}

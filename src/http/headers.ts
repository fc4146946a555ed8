import type { FastifyRequest } from "fastify";

/** A request header that was sent once; a repeated header counts as malformed and is ignored. */
export function singleHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" ? value : undefined;
}

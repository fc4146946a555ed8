import type { FastifyInstance } from "fastify";

/**
 * One line per request with the route template, never the URL: paste ids are capabilities and
 * queries may carry anything. No header, body or address is logged.
 */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook("onResponse", async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? "(unmatched)",
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      "request completed",
    );
  });
}

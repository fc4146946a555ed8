import type { FastifyInstance } from "fastify";
import type { Metrics } from "../shared/metrics.ts";

/**
 * One line per request with the route template (and its duration in the metrics' histogram), never the URL: paste ids are capabilities and
 * queries may carry anything. No header, body or address is logged.
 */
export function registerRequestLog(app: FastifyInstance, metrics: Metrics): void {
  app.addHook("onResponse", (request, reply, done) => {
    const route = request.routeOptions.url ?? "(unmatched)";
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      "request completed",
    );
    metrics.observeRequest(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

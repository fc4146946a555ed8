import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.ts";
import { allowOnly } from "../../http/errors.ts";
import { inNetworks, parseNetworks } from "../../http/networks.ts";
import { secretsEqual } from "../identity/identity.models.ts";
import type { PrometheusMetrics } from "./metrics.ts";
import { opsErrors } from "./ops.errors.ts";
import { metricsSchema } from "./ops.schemas.ts";

/**
 * GET /metrics (Prometheus text format) for clients in SEALBIN_METRICS_ALLOW or holding
 * SEALBIN_METRICS_TOKEN; everyone else gets 403.
 */
export async function metricsRoutes(
  app: FastifyInstance,
  deps: { config: Config; metrics: PrometheusMetrics },
): Promise<void> {
  const { config, metrics } = deps;
  const networks = parseNetworks(config.metricsAllow);
  const allowed = (request: FastifyRequest): boolean => {
    const auth = request.headers.authorization;
    if (config.metricsToken !== "" && typeof auth === "string" && auth.startsWith("Bearer ")) {
      return secretsEqual(auth.slice(7).trim(), config.metricsToken);
    }
    // Through a proxy sealbin does not trust, the peer is the proxy: its address proves nothing.
    if (config.trustProxyHops === 0 && request.headers["x-forwarded-for"] !== undefined) return false;
    return inNetworks(request.clientIp, networks);
  };
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get("/metrics", { schema: metricsSchema }, async (request, reply) => {
    if (!allowed(request)) throw opsErrors.metricsForbidden();
    return reply
      .type(metrics.contentType)
      .header("cache-control", "no-store")
      .send(await metrics.exposition());
  });
  allowOnly(app, "/metrics", ["GET", "HEAD"]);
}

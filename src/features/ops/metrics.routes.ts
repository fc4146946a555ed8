import type { FastifyInstance, FastifyRequest } from "fastify";
import ipaddr from "ipaddr.js";
import type { Config } from "../../config/config.ts";
import { allowOnly } from "../../http/errors.ts";
import { AppError } from "../../shared/errors.ts";
import { secretsEqual } from "../identity/identity.models.ts";
import type { Metrics } from "./metrics.ts";

function parsedNetworks(cidrs: readonly string[]) {
  return cidrs.map((c) => ipaddr.parseCIDR(c));
}

function inNetworks(ip: string, networks: ReturnType<typeof parsedNetworks>): boolean {
  if (!ipaddr.isValid(ip)) return false;
  let address = ipaddr.parse(ip);
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  return networks.some(([net, bits]) => net.kind() === address.kind() && address.match(net, bits));
}

/**
 * GET /metrics (Prometheus text format) for clients in SEALBIN_METRICS_ALLOW or holding
 * SEALBIN_METRICS_TOKEN; everyone else gets 403.
 */
export async function metricsRoutes(
  app: FastifyInstance,
  deps: { config: Config; metrics: Metrics },
): Promise<void> {
  const { config, metrics } = deps;
  const networks = parsedNetworks(config.metricsAllow);
  const allowed = (request: FastifyRequest): boolean => {
    const auth = request.headers.authorization;
    if (config.metricsToken !== "" && typeof auth === "string" && auth.startsWith("Bearer ")) {
      return secretsEqual(auth.slice(7).trim(), config.metricsToken);
    }
    // Through a proxy sealbin does not trust, the peer is the proxy: its address proves nothing.
    if (config.trustProxyHops === 0 && request.headers["x-forwarded-for"] !== undefined) return false;
    return inNetworks(request.clientIp, networks);
  };
  app.get("/metrics", async (request, reply) => {
    if (!allowed(request))
      throw new AppError(403, "Forbidden", { hint: "see SEALBIN_METRICS_ALLOW and SEALBIN_METRICS_TOKEN" });
    return reply
      .type(metrics.contentType)
      .header("cache-control", "no-store")
      .send(await metrics.exposition());
  });
  allowOnly(app, "/metrics", ["GET", "HEAD"]);
}

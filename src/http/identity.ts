import type { FastifyInstance } from "fastify";
import type { Config } from "../config/config.ts";
import { type Caller, callerFromProxyHeaders } from "../features/identity/identity.models.ts";
import { clientIp } from "./client-ip.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** Who is calling, worked out once per request before any handler runs. */
    caller: Caller;
    /** The client's address, honouring SEALBIN_TRUST_PROXY_HOPS. */
    clientIp: string;
  }
}

export function registerIdentity(app: FastifyInstance, config: Config): void {
  app.decorateRequest("caller", null as unknown as Caller);
  app.decorateRequest("clientIp", "");
  app.addHook("onRequest", async (request) => {
    const h = request.headers;
    request.caller = callerFromProxyHeaders(h["x-ssl-client-sha1"], h["x-proxy-secret"], config.proxySecret);
    request.clientIp = clientIp(
      request.raw.socket.remoteAddress ?? "",
      h["x-forwarded-for"],
      config.trustProxyHops,
    );
  });
}

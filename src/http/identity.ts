import type { FastifyInstance } from "fastify";
import type { Config } from "../config/config.ts";
import type { Caller, Identify } from "../shared/caller.ts";
import { clientIp } from "./client-ip.ts";
import { inNetworks, parseNetworks } from "./networks.ts";
import { OWN_CREDENTIALS } from "./schemas.ts";
import { tlsEnabled, verifiedPeerFingerprint } from "./tls.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** Who is calling, worked out once per request before any handler runs. */
    caller: Caller;
    /** The client's address, honouring SEALBIN_TRUST_PROXY_HOPS. */
    clientIp: string;
  }
}

/**
 * The hook that sets `request.caller` and `request.clientIp` on every request, before any handler:
 * it gathers what the connection and the headers say (the TLS peer certificate, whether the TCP
 * peer is an identity proxy) and hands it to `identify`, the identity feature's rules.
 */
export function registerIdentity(app: FastifyInstance, deps: { config: Config; identify: Identify }): void {
  const { config, identify } = deps;
  app.decorateRequest("caller", null as unknown as Caller);
  app.decorateRequest("clientIp", "");
  const direct = tlsEnabled(config);
  const proxies = parseNetworks(config.identityProxies);
  if (config.pkiEnabled && !direct && config.proxySecret === "") {
    app.log.warn(
      { identityProxies: config.identityProxies },
      "PKI enabled without SEALBIN_PROXY_SECRET or sealbin's own TLS: any process that can connect from SEALBIN_IDENTITY_PROXIES can claim any certificate with X-SSL-Client-SHA1",
    );
  }
  // Most requests carry no credential at all: they are answered without a promise.
  app.addHook("onRequest", (request, _reply, done) => {
    const h = request.headers;
    const peer = request.raw.socket.remoteAddress ?? "";
    request.clientIp = clientIp(peer, h["x-forwarded-for"], config.trustProxyHops);
    const found = identify({
      headers: h,
      route: () => ({ method: request.method, url: request.routeOptions.url ?? "" }),
      ownCredentials: () => OWN_CREDENTIALS.test(request.url.split("?")[0] ?? ""),
      // Terminating TLS itself, sealbin knows the client's certificate and no header can claim one.
      verifiedFingerprint: direct ? verifiedPeerFingerprint(request.raw.socket) : undefined,
      // Behind a proxy, only the proxy's own connection may carry the header: the TCP peer, which
      // no client can forge (X-Forwarded-For can be), must be in SEALBIN_IDENTITY_PROXIES.
      peerIsIdentityProxy: () => inNetworks(peer, proxies),
    });
    if (found instanceof Promise) {
      found.then((caller) => {
        request.caller = caller;
        done();
      }, done);
    } else {
      request.caller = found;
      done();
    }
  });
}

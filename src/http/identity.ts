import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Config } from "../config/config.ts";
import type { Tokens } from "../features/accounts/accounts.tokens.ts";
import {
  ANONYMOUS,
  accountCaller,
  type Caller,
  callerFor,
  fingerprintFromProxyHeaders,
} from "../features/identity/identity.models.ts";
import type { AuditLog } from "../features/pki/audit.ts";
import { HEADERS } from "../protocol/vocabulary.ts";
import type { Clock } from "../shared/clock.ts";
import { AppError } from "../shared/errors.ts";
import { unixSeconds } from "../shared/time.ts";
import type { Store } from "../store/store.ts";
import { clientIp } from "./client-ip.ts";
import { inNetworks, parseNetworks } from "./networks.ts";
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
 * Works out the caller of every request: the fingerprint the proxy reports, and with the PKI on, the
 * trust level the store's record of that certificate gives. A wrong proxy secret and the use of a
 * revoked certificate are audited.
 */
export function registerIdentity(
  app: FastifyInstance,
  deps: { config: Config; store: Store; clock: Clock; audit: AuditLog; tokens: Tokens },
): void {
  const { config, store, clock, audit, tokens } = deps;
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
    const pending = identify(request);
    if (pending) pending.then(() => done(), done);
    else done();
  });

  function identify(request: FastifyRequest): Promise<void> | undefined {
    const h = request.headers;
    request.clientIp = clientIp(
      request.raw.socket.remoteAddress ?? "",
      h["x-forwarded-for"],
      config.trustProxyHops,
    );
    // An image-store account's Bearer token works on the paste API too (the image store and the
    // sealed functions check their own credentials).
    const authorization = h.authorization;
    if (
      typeof authorization === "string" &&
      /^Bearer\s/i.test(authorization) &&
      !/^\/(api\/|v1(\/|$|\?)|metrics($|\?))/.test(request.url)
    ) {
      return (async () => {
        const claims = await tokens.verifyHeader(authorization);
        if (!(await store.findUserById(claims.userId))) throw new AppError(401, "User is not authorized");
        request.caller = accountCaller(claims.userId);
      })();
    }
    // Terminating TLS itself, sealbin knows the client's certificate and no header can claim one.
    // Behind a proxy, only the proxy's own connection may carry the header: the TCP peer, which no
    // client can forge (X-Forwarded-For can be), must be in SEALBIN_IDENTITY_PROXIES.
    const peer = request.raw.socket.remoteAddress ?? "";
    const claimed = direct ? undefined : h[HEADERS.clientSha1];
    const fromStranger = claimed !== undefined && !inNetworks(peer, proxies);
    const { fingerprint, rejected } = direct
      ? { fingerprint: verifiedPeerFingerprint(request.raw.socket), rejected: false }
      : fromStranger
        ? { fingerprint: null, rejected: false }
        : fingerprintFromProxyHeaders(claimed, h["x-proxy-secret"], config.proxySecret);
    if (!fingerprint && !rejected && !fromStranger) {
      request.caller = ANONYMOUS;
      return undefined;
    }
    return (async () => {
      if (fromStranger) {
        request.caller = ANONYMOUS;
        await audit.record("AUTH_FAILURE", null, { reason: "identity header from an untrusted peer" });
        return;
      }
      if (rejected) await audit.record("AUTH_FAILURE", null, { reason: "proxy secret mismatch" });
      const issued =
        fingerprint && config.pkiEnabled ? await store.findCertificateByFingerprint(fingerprint) : undefined;
      request.caller = callerFor(fingerprint, issued, unixSeconds(clock.now()));
      if (issued?.status === "revoked") {
        await audit.record("AUTH_FAILURE", fingerprint, {
          reason: "revoked certificate",
          serial: issued.serial,
        });
      }
    })();
  }
}

/**
 * Who is calling: the rules that turn what a request carries into a Caller. An image-store account's
 * Bearer token works on the paste API too, and so does an API token (sbt_…) within its scopes; a client certificate counts when sealbin terminates TLS
 * itself (the verified peer certificate) or when a trusted proxy reports it (X-SSL-Client-SHA1 from
 * a peer in SEALBIN_IDENTITY_PROXIES, with SEALBIN_PROXY_SECRET when set); with the PKI on, the
 * store's record of the certificate gives its trust level. A wrong proxy secret, a header from an
 * untrusted peer and the use of a revoked certificate are audited. src/http/identity.ts is the hook
 * that gathers the facts and hands them here.
 */
import type { Config } from "../../config/config.ts";
import { HEADERS } from "../../protocol/vocabulary.ts";
import type { Identify } from "../../shared/caller.ts";
import type { Clock } from "../../shared/clock.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { Store } from "../../store/store.ts";
import type { Tokens } from "../accounts/accounts.tokens.ts";
import type { AuditLog } from "../pki/audit.ts";
import { routeAccess } from "../tokens/tokens.scopes.ts";
import { ApiTokens } from "../tokens/tokens.usecases.ts";
import { identityErrors } from "./identity.errors.ts";
import { ANONYMOUS, accountCaller, callerFor, fingerprintFromProxyHeaders } from "./identity.models.ts";

export function identification(deps: {
  readonly config: Config;
  readonly store: Pick<Store, "accounts" | "pki">;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly tokens: Tokens;
  readonly apiTokens: ApiTokens;
}): Identify {
  const { config, store, clock, audit, tokens, apiTokens } = deps;
  return (facts) => {
    const h = facts.headers;
    const authorization = h.authorization;
    if (typeof authorization === "string" && /^Bearer\s/i.test(authorization) && !facts.ownCredentials()) {
      const credential = authorization.replace(/^Bearer\s+/i, "").trim();
      if (ApiTokens.isApiToken(credential)) {
        // An API token: its owner within its scopes; on a public route it confers nothing.
        const { method, url } = facts.route();
        const access = routeAccess(method, url);
        return access === "public" ? ANONYMOUS : apiTokens.authenticate(credential, access);
      }
      return (async () => {
        const claims = await tokens.verifyHeader(authorization);
        if (!(await store.accounts.findUserById(claims.userId))) throw identityErrors.notAuthorized();
        return accountCaller(claims.userId);
      })();
    }
    const direct = facts.verifiedFingerprint !== undefined;
    const claimed = direct ? undefined : h[HEADERS.clientSha1];
    const fromStranger = claimed !== undefined && !facts.peerIsIdentityProxy();
    const proxySecret = h["x-proxy-secret"];
    const { fingerprint, rejected } = direct
      ? { fingerprint: facts.verifiedFingerprint ?? null, rejected: false }
      : fromStranger
        ? { fingerprint: null, rejected: false }
        : fingerprintFromProxyHeaders(claimed, proxySecret, config.proxySecret);
    if (!fingerprint && !rejected && !fromStranger) return ANONYMOUS;
    return (async () => {
      if (fromStranger) {
        await audit.record("AUTH_FAILURE", null, { reason: "identity header from an untrusted peer" });
        return ANONYMOUS;
      }
      if (rejected) await audit.record("AUTH_FAILURE", null, { reason: "proxy secret mismatch" });
      const issued =
        fingerprint && config.pkiEnabled
          ? await store.pki.findCertificateByFingerprint(fingerprint)
          : undefined;
      if (issued?.status === "revoked") {
        await audit.record("AUTH_FAILURE", fingerprint, {
          reason: "revoked certificate",
          serial: issued.serial,
        });
      }
      return callerFor(fingerprint, issued, unixSeconds(clock.now()));
    })();
  };
}

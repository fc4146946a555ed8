/**
 * Who is calling, as every layer sees it: the identity feature works it out
 * (src/features/identity), the HTTP layer hangs it on the request, the features decide with it.
 */

export type TrustLevel = "anonymous" | "untrusted" | "trusted";

export interface Caller {
  /**
   * Who owns what the caller creates: the SHA1 fingerprint of its client certificate (40 lowercase
   * hex), `acct:<user id>` for an image-store account's Bearer token, or null.
   */
  readonly fingerprint: string | null;
  readonly trustLevel: TrustLevel;
  /** The first user registered through the PKI. */
  readonly isAdmin: boolean;
}

export const ANONYMOUS: Caller = Object.freeze({
  fingerprint: null,
  trustLevel: "anonymous",
  isAdmin: false,
});

/** What the HTTP layer knows of a request that identity depends on (src/http/identity.ts gathers it). */
export interface IdentityFacts {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The route's method and template (`/:id/raw`): what an API token may do depends on it. */
  route(): { readonly method: string; readonly url: string };
  /** Whether the route checks its own credentials (the image store, /v1, /metrics); asked lazily. */
  ownCredentials(): boolean;
  /** With sealbin terminating TLS: the verified client certificate's SHA-1 (null without one). */
  readonly verifiedFingerprint: string | null | undefined;
  /**
   * Whether the TCP peer may report a certificate (it is in SEALBIN_IDENTITY_PROXIES): asked only
   * for a request that claims one, so that the others pay no address parsing.
   */
  peerIsIdentityProxy(): boolean;
}

/** Resolves a request's caller: synchronously when it carries no credential (most requests). */
export type Identify = (facts: IdentityFacts) => Caller | Promise<Caller>;

import { timingSafeEqual } from "node:crypto";

import { ANONYMOUS, type Caller, type TrustLevel } from "../../shared/caller.ts";

export { ANONYMOUS, type Caller, type TrustLevel };

const FINGERPRINT = /^[0-9a-f]{40}$/;

/**
 * An account of the image store, signed in with its token. Anyone may open an account, so it ranks
 * with a certificate the PKI did not issue: untrusted, never admin.
 */
export function accountCaller(userId: string): Caller {
  return { fingerprint: `acct:${userId}`, trustLevel: "untrusted", isAdmin: false };
}

/** Compares secrets in constant time, whatever their lengths. */
export function secretsEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // Equal lengths for timingSafeEqual; comparing b with itself keeps the time independent of `given`.
  return timingSafeEqual(a.length === b.length ? a : b, b) && a.length === b.length;
}

/**
 * The certificate fingerprint a TLS-terminating proxy reports: X-SSL-Client-SHA1 (exactly 40
 * lowercase hex characters, anything else is none), honoured only when no proxy secret is configured
 * or X-Proxy-Secret matches it. `rejected` tells a fingerprint sent with a wrong proxy secret.
 */
export function fingerprintFromProxyHeaders(
  fingerprintHeader: string | string[] | undefined,
  proxySecretHeader: string | string[] | undefined,
  proxySecret: string,
): { fingerprint: string | null; rejected: boolean } {
  if (typeof fingerprintHeader !== "string" || !FINGERPRINT.test(fingerprintHeader)) {
    return { fingerprint: null, rejected: false };
  }
  if (
    proxySecret !== "" &&
    (typeof proxySecretHeader !== "string" || !secretsEqual(proxySecretHeader, proxySecret))
  ) {
    return { fingerprint: null, rejected: true };
  }
  return { fingerprint: fingerprintHeader, rejected: false };
}

/**
 * Trust from what the PKI knows of a fingerprint: a certificate it issued and has not revoked is
 * trusted (admin for the first registrant); one it revoked counts as anonymous; any other
 * certificate is untrusted.
 */
export function callerFor(
  fingerprint: string | null,
  issued: { status: "valid" | "revoked"; expiresAt: number; isAdmin: boolean } | undefined,
  now: number,
): Caller {
  if (fingerprint === null) return ANONYMOUS;
  if (issued === undefined) return { fingerprint, trustLevel: "untrusted", isAdmin: false };
  if (issued.status === "revoked") return ANONYMOUS;
  if (issued.expiresAt <= now) return { fingerprint, trustLevel: "untrusted", isAdmin: false };
  return { fingerprint, trustLevel: "trusted", isAdmin: issued.isAdmin };
}

import { timingSafeEqual } from "node:crypto";

export type TrustLevel = "anonymous" | "untrusted" | "trusted";

export interface Caller {
  /** SHA1 fingerprint of the caller's client certificate (40 lowercase hex), or null. */
  readonly fingerprint: string | null;
  readonly trustLevel: TrustLevel;
}

export const ANONYMOUS: Caller = Object.freeze({ fingerprint: null, trustLevel: "anonymous" });

const FINGERPRINT = /^[0-9a-f]{40}$/;

/** Compares secrets in constant time, whatever their lengths. */
export function secretsEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // Equal lengths for timingSafeEqual; comparing b with itself keeps the time independent of `given`.
  return timingSafeEqual(a.length === b.length ? a : b, b) && a.length === b.length;
}

/**
 * The caller as a TLS-terminating proxy describes it: X-SSL-Client-SHA1 (exactly 40 lowercase hex
 * characters, anything else is anonymous), honoured only when no proxy secret is configured or
 * X-Proxy-Secret matches it. Without the PKI every certificate is "untrusted".
 */
export function callerFromProxyHeaders(
  fingerprintHeader: string | string[] | undefined,
  proxySecretHeader: string | string[] | undefined,
  proxySecret: string,
): Caller {
  if (typeof fingerprintHeader !== "string" || !FINGERPRINT.test(fingerprintHeader)) return ANONYMOUS;
  if (
    proxySecret !== "" &&
    (typeof proxySecretHeader !== "string" || !secretsEqual(proxySecretHeader, proxySecret))
  ) {
    return ANONYMOUS;
  }
  return { fingerprint: fingerprintHeader, trustLevel: "untrusted" };
}

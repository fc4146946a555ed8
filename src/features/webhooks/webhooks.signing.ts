import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** A new webhook's signing secret: 32 bytes from the CSPRNG, shown to its owner once. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/**
 * X-Sealbin-Signature for `body` sent at `t` (Unix seconds): `t=<t>,v1=<hex>`, the hex being
 * HMAC-SHA256 keyed with the secret's UTF-8 bytes, of the ASCII of `t`, a dot, and the body's bytes.
 * The time is signed with the body, so a receiver that refuses old `t` cannot be replayed to later.
 */
export function signatureHeader(secret: string, t: number, body: string): string {
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

/**
 * Whether `header` signs `body` with `secret` at a time within `toleranceSeconds` of `now`: the
 * check docs/webhooks.md asks receivers to make, in constant time.
 */
export function verifySignature(
  header: string,
  body: string,
  secret: string,
  now: number,
  toleranceSeconds = 300,
): boolean {
  const parts = new Map(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.get("t"));
  const given = Buffer.from(parts.get("v1") ?? "", "hex");
  if (!Number.isSafeInteger(t) || Math.abs(now - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureHeader(secret, t, body).split("v1=")[1] ?? "", "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

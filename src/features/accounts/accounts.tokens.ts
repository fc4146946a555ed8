import { randomBytes } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";
import type { Config } from "../../config/config.ts";
import type { Clock } from "../../shared/clock.ts";
import type { Metrics } from "../../shared/metrics.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { Store } from "../../store/store.ts";
import { accountErrors } from "./accounts.errors.ts";

const SECRET_NAME = "jwt-hs256";

export interface TokenClaims {
  readonly userId: string;
  readonly jti: string;
  readonly exp: number;
}

/**
 * HS256 access tokens (JWT, as Flask-JWT-Extended issues them: `sub`, `jti`, `iat`, `nbf`, `exp`,
 * `type: access`). The signing key lives in the store so every process signs and verifies alike;
 * logout records the token's `jti` in the store until the token would have expired anyway.
 */
export class Tokens {
  private readonly deps: { config: Config; store: Pick<Store, "abuse">; clock: Clock; metrics?: Metrics };
  private key: Promise<Uint8Array> | undefined;

  constructor(deps: { config: Config; store: Pick<Store, "abuse">; clock: Clock; metrics?: Metrics }) {
    this.deps = deps;
  }

  private signingKey(): Promise<Uint8Array> {
    this.key ??= this.deps.store.abuse
      .getOrCreateSecret(
        SECRET_NAME,
        randomBytes(32).toString("base64url"),
        unixSeconds(this.deps.clock.now()),
      )
      .then((value) => new Uint8Array(Buffer.from(value, "base64url")));
    return this.key;
  }

  async issue(userId: string): Promise<string> {
    const now = unixSeconds(this.deps.clock.now());
    return new SignJWT({ type: "access", fresh: false })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(userId)
      .setJti(randomBytes(16).toString("hex"))
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + this.deps.config.jwtTtl)
      .sign(await this.signingKey());
  }

  /** The `Authorization: Bearer <JWT>` header's token, verified; throws the documented errors. */
  async verifyHeader(header: string | string[] | undefined): Promise<TokenClaims> {
    try {
      const match = typeof header === "string" ? /^Bearer ([A-Za-z0-9_.=-]+)$/.exec(header.trim()) : null;
      if (!match?.[1]) throw accountErrors.badHeader();
      return await this.verify(match[1]);
    } catch (err) {
      this.deps.metrics?.authFailure("token");
      throw err;
    }
  }

  async verify(token: string): Promise<TokenClaims> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, await this.signingKey(), {
        algorithms: ["HS256"],
        currentDate: new Date(this.deps.clock.now()),
        requiredClaims: ["sub", "jti", "exp"],
      }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw accountErrors.expired();
      throw accountErrors.badSignature();
    }
    const claims = { userId: String(payload.sub), jti: String(payload.jti), exp: Number(payload.exp) };
    if (payload.type !== "access" || !/^[0-9a-f]{24}$/.test(claims.userId))
      throw accountErrors.badSignature();
    if ((await this.deps.store.abuse.readCounter(`revoked-jti:${claims.jti}`, 0)) > 0)
      throw accountErrors.revoked();
    return claims;
  }

  /** Logout: the token stays refused, in every process, until it expires. */
  async revoke(claims: TokenClaims): Promise<void> {
    await this.deps.store.abuse.incrementCounter(`revoked-jti:${claims.jti}`, 0, claims.exp + 1);
  }
}

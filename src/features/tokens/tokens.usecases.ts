import { createHash } from "node:crypto";
import type { Config } from "../../config/config.ts";
import { TOKEN_PREFIX, TOKEN_SCOPES, type TokenScope } from "../../protocol/vocabulary.ts";
import type { Caller } from "../../shared/caller.ts";
import type { Clock } from "../../shared/clock.ts";
import { randomBase62Id, randomHexId } from "../../shared/ids.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { Store, TokenRecord } from "../../store/store.ts";
import { accountCaller, callerFor } from "../identity/identity.models.ts";
import { tokenErrors } from "./tokens.errors.ts";
import type { RouteAccess } from "./tokens.scopes.ts";

/** Live tokens an owner may hold at once. */
export const MAX_TOKENS_PER_OWNER = 50;
/** The longest `expires_in`: ten years. */
export const MAX_TOKEN_LIFETIME = 10 * 365 * 86_400;
export const TOKEN_NAME_MAX = 64;
/** A token's last use is recorded when the recorded one is older than this: coarse, a write at most every 5 minutes. */
export const LAST_USED_STEP = 300;
/** The secret's random part: 40 base62 characters (about 238 bits). */
const SECRET = new RegExp(`^${TOKEN_PREFIX}[0-9A-Za-z]{40}$`);

export const hashSecret = (secret: string): string => createHash("sha256").update(secret).digest("hex");

/** A token as GET /tokens and POST /tokens show it (never its secret, nor its hash). */
export interface TokenView {
  id: string;
  name: string;
  scopes: TokenScope[];
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
}

const view = (t: TokenRecord): TokenView => ({
  id: t.id,
  name: t.name,
  scopes: t.scopes.filter((s): s is TokenScope => TOKEN_SCOPES.includes(s as TokenScope)),
  created_at: t.createdAt,
  expires_at: t.expiresAt,
  last_used_at: t.lastUsedAt,
});

interface TokenInput {
  name: string;
  scopes: TokenScope[];
  expiresIn: number | null;
}

function tokenInputOf(body: unknown): TokenInput {
  const b = body as Record<string, unknown> | null;
  if (typeof b !== "object" || b === null || Array.isArray(b)) {
    throw tokenErrors.invalidRequest('Body must be a JSON object: {"name", "scopes", "expires_in"}');
  }
  const unknown = Object.keys(b).find((k) => !["name", "scopes", "expires_in"].includes(k));
  if (unknown !== undefined) throw tokenErrors.invalidRequest(`Unknown field ${JSON.stringify(unknown)}`);
  const { name, scopes, expires_in: expiresIn } = b;
  // Printable, no control characters: the name is shown in listings and terminals.
  if (
    typeof name !== "string" ||
    name.trim() === "" ||
    name.length > TOKEN_NAME_MAX ||
    /[\p{Cc}\p{Cf}]/u.test(name)
  ) {
    throw tokenErrors.invalidRequest(`name must be 1 to ${TOKEN_NAME_MAX} printable characters`);
  }
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw tokenErrors.invalidRequest(`scopes must be a non-empty list of: ${TOKEN_SCOPES.join(", ")}`);
  }
  const bad = scopes.find((s) => !TOKEN_SCOPES.includes(s as TokenScope));
  if (bad !== undefined) {
    throw tokenErrors.invalidRequest(
      `Unknown scope ${JSON.stringify(bad)}: one of ${TOKEN_SCOPES.join(", ")}`,
    );
  }
  if (new Set(scopes).size !== scopes.length) throw tokenErrors.invalidRequest("scopes lists a scope twice");
  if (
    expiresIn !== undefined &&
    expiresIn !== null &&
    !(
      Number.isInteger(expiresIn) &&
      (expiresIn as number) >= 60 &&
      (expiresIn as number) <= MAX_TOKEN_LIFETIME
    )
  ) {
    throw tokenErrors.invalidRequest(`expires_in must be whole seconds from 60 to ${MAX_TOKEN_LIFETIME}`);
  }
  // In the order of TOKEN_SCOPES, so that a listing reads the same whatever order they were asked in.
  const ordered = TOKEN_SCOPES.filter((s) => scopes.includes(s));
  return { name, scopes: ordered, expiresIn: (expiresIn as number | null | undefined) ?? null };
}

/**
 * Scoped API tokens (docs/tokens.md): an identified caller makes one for a script or a CI job; the
 * secret (`sbt_` and 40 base62 characters from the CSPRNG) is shown once and stored only as its
 * SHA-256, the key the store finds it by. Every request that carries one looks it up, so a revoked
 * token stops working on every process at once. A token acts as its owner, with the owner's trust
 * level and limits, only on the routes its scopes allow (tokens.scopes.ts).
 */
export class ApiTokens {
  private readonly deps: { config: Config; store: Store; clock: Clock };

  constructor(deps: { config: Config; store: Store; clock: Clock }) {
    this.deps = deps;
  }

  private now(): number {
    return unixSeconds(this.deps.clock.now());
  }

  /** POST /tokens. */
  async create(caller: Caller, body: unknown): Promise<TokenView & { token: string }> {
    if (caller.fingerprint === null) throw tokenErrors.authenticationRequired();
    const input = tokenInputOf(body);
    if (input.scopes.includes("admin") && !caller.isAdmin) throw tokenErrors.adminRequired();
    const now = this.now();
    const token = `${TOKEN_PREFIX}${randomBase62Id(40)}`;
    const record = {
      id: randomHexId(16),
      secretHash: hashSecret(token),
      owner: caller.fingerprint,
      name: input.name,
      scopes: input.scopes,
      createdAt: now,
      expiresAt: input.expiresIn === null ? null : now + input.expiresIn,
    };
    if (!(await this.deps.store.tokens.insertToken(record, MAX_TOKENS_PER_OWNER, now))) {
      throw tokenErrors.limit(MAX_TOKENS_PER_OWNER);
    }
    return { ...view({ ...record, lastUsedAt: null }), token };
  }

  /** GET /tokens: the caller's tokens, newest first. */
  async list(caller: Caller): Promise<TokenView[]> {
    if (caller.fingerprint === null) throw tokenErrors.authenticationRequired();
    return (await this.deps.store.tokens.listTokens(caller.fingerprint)).map(view);
  }

  /** DELETE /tokens/{id}: the caller's own token, at once for every process. */
  async revoke(caller: Caller, id: string): Promise<void> {
    if (caller.fingerprint === null) throw tokenErrors.authenticationRequired();
    if (!(await this.deps.store.tokens.deleteToken(caller.fingerprint, id))) throw tokenErrors.notFound();
  }

  /** Whether a bearer credential is an API token (rather than an account's JWT). */
  static isApiToken(bearer: string): boolean {
    return bearer.startsWith(TOKEN_PREFIX);
  }

  /**
   * The caller an API token stands for on a route `access` describes: its owner, as the owner would be
   * identified now (a revoked certificate or a deleted account ends its tokens too), admin only with
   * the admin scope. Throws 401 invalid_token, or 403 insufficient_scope outside its scopes.
   */
  async authenticate(secret: string, access: RouteAccess | undefined): Promise<Caller> {
    if (!SECRET.test(secret)) throw tokenErrors.invalidToken();
    const now = this.now();
    const { store } = this.deps;
    const token = await store.tokens.findTokenBySecret(hashSecret(secret), now);
    if (!token) throw tokenErrors.invalidToken();
    const owner = await this.ownerNow(token.owner, now);
    if (owner === undefined) throw tokenErrors.invalidToken();
    if (access !== "public") {
      const needed = access ?? [];
      if (!needed.some((s) => token.scopes.includes(s))) {
        throw tokenErrors.insufficientScope(
          needed.length ? `scope ${needed.join(" or ")}` : "a client certificate or an account",
        );
      }
    }
    if (token.lastUsedAt === null || token.lastUsedAt < now - LAST_USED_STEP) {
      await store.tokens.touchToken(token.id, now, now - LAST_USED_STEP);
    }
    return { ...owner, isAdmin: owner.isAdmin && token.scopes.includes("admin") };
  }

  /** The owner as identified now, or undefined when its credential no longer identifies it. */
  private async ownerNow(owner: string, now: number): Promise<Caller | undefined> {
    const { store, config } = this.deps;
    if (owner.startsWith("acct:")) {
      const userId = owner.slice("acct:".length);
      return (await store.accounts.findUserById(userId)) ? accountCaller(userId) : undefined;
    }
    const issued = config.pkiEnabled ? await store.pki.findCertificateByFingerprint(owner) : undefined;
    if (issued?.status === "revoked") return undefined;
    return callerFor(owner, issued, now);
  }
}

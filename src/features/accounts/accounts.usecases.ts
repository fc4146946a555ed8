import type { Config } from "../../config/config.ts";
import type { Clock } from "../../shared/clock.ts";
import { randomHexId } from "../../shared/ids.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { Store, UserRecord } from "../../store/store.ts";
import type { Metrics } from "../ops/metrics.ts";
import { accountErrors } from "./accounts.errors.ts";
import { burnDecoy, hashPassword, verifyPassword } from "./accounts.passwords.ts";
import type { TokenClaims, Tokens } from "./accounts.tokens.ts";

export interface AccountDeps {
  readonly config: Config;
  readonly store: Store;
  readonly clock: Clock;
  readonly tokens: Tokens;
  readonly metrics?: Metrics;
}

/** A form field (urlencoded or JSON): a string, or undefined when absent or empty. */
export function field(body: unknown, name: string): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw accountErrors.invalid(`${name} must be a string`);
  return value;
}

const USERNAME = /^[A-Za-z0-9_.@-]{3,64}$/;
const CONTROL = /\p{Cc}/u;

export function userView(u: UserRecord) {
  return { public_key: u.publicKey, user_id: u.id, user_name: u.username };
}

/** POST /api/v1/auth/register. */
export async function register(deps: AccountDeps, body: unknown): Promise<void> {
  const username = field(body, "username");
  const password = field(body, "password");
  const publicKey = field(body, "publicKey");
  if (username === undefined) throw accountErrors.required("Username");
  if (password === undefined) throw accountErrors.required("Password");
  if (publicKey === undefined) throw accountErrors.required("Public key");
  if (!USERNAME.test(username)) {
    throw accountErrors.invalid("Username must be 3 to 64 letters, digits or . _ - @");
  }
  if (password.length < 8 || password.length > 1024) {
    throw accountErrors.invalid("Password must be 8 to 1024 characters");
  }
  if (publicKey.length > 8192 || CONTROL.test(publicKey)) {
    throw accountErrors.invalid("Public key must be at most 8192 printable characters");
  }
  if (await deps.store.findUserByName(username)) throw accountErrors.usernameTaken();
  const user = {
    id: randomHexId(24),
    username,
    passwordHash: await hashPassword(password),
    publicKey,
    createdAt: unixSeconds(deps.clock.now()),
  };
  // Two registrations of one name at once: the store keeps the first.
  if (!(await deps.store.insertUser(user))) throw accountErrors.usernameTaken();
}

/** POST /api/v1/auth/login → {user_id, access_token}. */
export async function login(deps: AccountDeps, body: unknown) {
  const username = field(body, "username");
  const password = field(body, "password");
  if (username === undefined) throw accountErrors.required("Username");
  if (password === undefined) throw accountErrors.required("Password");
  const user = password.length <= 1024 ? await deps.store.findUserByName(username) : undefined;
  if (!user || !(await verifyPassword(password, user.passwordHash))) {
    if (!user) await burnDecoy(password.slice(0, 1024));
    deps.metrics?.authFailure("login");
    throw accountErrors.badCredentials();
  }
  return { user_id: user.id, access_token: await deps.tokens.issue(user.id) };
}

/** The account behind a verified token; a token of an account that no longer exists is refused. */
export async function accountOf(deps: AccountDeps, claims: TokenClaims): Promise<UserRecord> {
  const user = await deps.store.findUserById(claims.userId);
  if (!user) throw accountErrors.notAuthorized();
  return user;
}

export async function logout(deps: AccountDeps, claims: TokenClaims) {
  await deps.tokens.revoke(claims);
  return { message: "User logged out" };
}

export async function listUsers(deps: AccountDeps) {
  return (await deps.store.listUsers()).map(userView);
}

export async function getUser(deps: AccountDeps, userId: string) {
  const user = /^[0-9a-f]{24}$/.test(userId) ? await deps.store.findUserById(userId) : undefined;
  if (!user) throw accountErrors.userNotFound();
  return userView(user);
}

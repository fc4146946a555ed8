import type { Config } from "../../config/config.ts";
import type { Clock } from "../../shared/clock.ts";
import { randomHexId } from "../../shared/ids.ts";
import type { Metrics } from "../../shared/metrics.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { Store, UserRecord } from "../../store/store.ts";
import { accountErrors } from "./accounts.errors.ts";
import { burnDecoy, hashPassword, verifyPassword } from "./accounts.passwords.ts";
import type { LoginAnswer, LoginForm, LogoutAnswer, RegisterForm, UserView } from "./accounts.schemas.ts";
import type { TokenClaims, Tokens } from "./accounts.tokens.ts";

export interface AccountDeps {
  readonly config: Config;
  readonly store: Pick<Store, "accounts">;
  readonly clock: Clock;
  readonly tokens: Tokens;
  readonly metrics?: Metrics;
}

/** A form field: an empty one is an absent one (an HTML form sends its empty fields). */
export const given = (value: string | undefined): string | undefined => (value === "" ? undefined : value);

const USERNAME = /^[A-Za-z0-9_.@-]{3,64}$/;
const CONTROL = /\p{Cc}/u;

export function userView(u: UserRecord): UserView {
  return { public_key: u.publicKey, user_id: u.id, user_name: u.username };
}

/** POST /api/v1/auth/register. */
export async function register(deps: AccountDeps, form: RegisterForm): Promise<void> {
  const username = given(form.username);
  const password = given(form.password);
  const publicKey = given(form.publicKey);
  if (username === undefined) throw accountErrors.required("username");
  if (password === undefined) throw accountErrors.required("password");
  if (publicKey === undefined) throw accountErrors.required("publicKey");
  if (!USERNAME.test(username)) throw accountErrors.badUsername();
  if (password.length < 8 || password.length > 1024) throw accountErrors.badPassword();
  if (publicKey.length > 8192 || CONTROL.test(publicKey)) throw accountErrors.badPublicKey();
  if (await deps.store.accounts.findUserByName(username)) throw accountErrors.usernameTaken();
  const user = {
    id: randomHexId(24),
    username,
    passwordHash: await hashPassword(password),
    publicKey,
    createdAt: unixSeconds(deps.clock.now()),
  };
  // Two registrations of one name at once: the store keeps the first.
  if (!(await deps.store.accounts.insertUser(user))) throw accountErrors.usernameTaken();
}

/** POST /api/v1/auth/login → {user_id, access_token}. */
export async function login(deps: AccountDeps, form: LoginForm): Promise<LoginAnswer> {
  const username = given(form.username);
  const password = given(form.password);
  if (username === undefined) throw accountErrors.required("username");
  if (password === undefined) throw accountErrors.required("password");
  const user = password.length <= 1024 ? await deps.store.accounts.findUserByName(username) : undefined;
  if (!user || !(await verifyPassword(password, user.passwordHash))) {
    if (!user) await burnDecoy(password.slice(0, 1024));
    deps.metrics?.authFailure("login");
    throw accountErrors.badCredentials();
  }
  return { user_id: user.id, access_token: await deps.tokens.issue(user.id) };
}

/** The account behind a verified token; a token of an account that no longer exists is refused. */
export async function accountOf(deps: AccountDeps, claims: TokenClaims): Promise<UserRecord> {
  const user = await deps.store.accounts.findUserById(claims.userId);
  if (!user) throw accountErrors.notAuthorized();
  return user;
}

export async function logout(deps: AccountDeps, claims: TokenClaims): Promise<LogoutAnswer> {
  await deps.tokens.revoke(claims);
  return { message: "User logged out" };
}

export async function listUsers(deps: AccountDeps): Promise<UserView[]> {
  return (await deps.store.accounts.listUsers()).map(userView);
}

export async function getUser(deps: AccountDeps, userId: string): Promise<UserView> {
  const user = /^[0-9a-f]{24}$/.test(userId) ? await deps.store.accounts.findUserById(userId) : undefined;
  if (!user) throw accountErrors.userNotFound();
  return userView(user);
}

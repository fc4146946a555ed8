import fs from "node:fs";
import path from "node:path";
import { getUser, login, logout, registerAccount } from "../client/accounts.ts";
import type { SealbinClient } from "../client/client.ts";
import { ClientError } from "../client/errors.ts";
import { randomBytes } from "../protocol/bytes.ts";
import { decodeKey, encodeKey, keyPairFromSecret } from "../protocol/sealed-call.ts";
import { CliError, type Command, flag, str } from "./command.ts";
import { configDir, loadConfig, makeClient, readSession, type Session, sessionPath } from "./config.ts";
import { info, out } from "./output.ts";
import { readPassword } from "./password.ts";

const USAGE = `sealbin account register -u NAME [--public-key TEXT] [--password-stdin]
sealbin account login -u NAME [--password-stdin]
sealbin account logout
sealbin account whoami

An account of the server's image store (/api/v1). While signed in, its token also identifies you to
the paste API (your pastes, list, delete). The password is asked for on a terminal, read from
standard input with --password-stdin, or taken from SEALBIN_PASSWORD. register sends the public key
you give, or makes an X25519 key pair (account.key, account.pub in the config directory).`;

/** The session kept for this client's server; exit 2 when there is none. */
export function requireSession(client: SealbinClient): Session {
  const session = readSession();
  if (!session || session.server !== client.base) {
    throw new CliError(2, `not signed in to ${client.base}: sealbin account login -u NAME`);
  }
  return session;
}

/**
 * The public key `account register` sends by default: an X25519 pair kept in the config directory.
 * An existing account.key is kept (its public key derived again), never replaced by a new one.
 */
function accountPublicKey(): string {
  const dir = configDir();
  const pub = path.join(dir, "account.pub");
  if (fs.existsSync(pub)) return fs.readFileSync(pub, "utf8").trim();
  const keyFile = path.join(dir, "account.key");
  const existing = fs.existsSync(keyFile) ? decodeKey(fs.readFileSync(keyFile, "utf8").trim()) : null;
  if (fs.existsSync(keyFile) && !existing) throw new CliError(2, `${keyFile} is not a 32-byte base64 key`);
  const secret = existing ?? randomBytes(32);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existing) fs.writeFileSync(keyFile, encodeKey(secret), { mode: 0o600, flag: "wx" });
  const key = encodeKey(keyPairFromSecret(secret).publicKey);
  fs.writeFileSync(pub, key);
  return key;
}

export const accountCommand: Command = {
  usage: USAGE,
  options: {
    user: { type: "string", short: "u" },
    "public-key": { type: "string" },
    "password-stdin": { type: "boolean" },
  },
  allowPositionals: true,
  async run(v, positionals) {
    const [sub] = positionals;
    const client = makeClient(loadConfig(v));
    if (sub === "register" || sub === "login") {
      const user = str(v, "user");
      if (!user) throw new CliError(2, `account ${sub} needs -u NAME`);
      const password = await readPassword(flag(v, "password-stdin"));
      if (sub === "register") {
        const publicKey = str(v, "public-key") ?? accountPublicKey();
        await registerAccount(client, { username: user, password, publicKey });
        info(`account ${user} registered; sign in with: sealbin account login -u ${user}`);
        return 0;
      }
      const session = await login(client, { username: user, password });
      fs.mkdirSync(configDir(), { recursive: true, mode: 0o700 });
      fs.writeFileSync(sessionPath(), JSON.stringify({ server: client.base, username: user, ...session }), {
        mode: 0o600,
      });
      info(`signed in as ${user}`);
      await out(`${session.user_id}\n`);
    } else if (sub === "logout") {
      if (!readSession()) throw new CliError(2, "not signed in");
      try {
        await logout(client);
      } catch (err) {
        // Answered, even with a refusal: the session is over here either way.
        if (err instanceof ClientError && err.kind !== "unreachable")
          fs.rmSync(sessionPath(), { force: true });
        throw err;
      }
      fs.rmSync(sessionPath(), { force: true });
      info("signed out");
    } else if (sub === "whoami") {
      const session = requireSession(client);
      const me = await getUser(client, session.user_id);
      await out(`${me.user_name} ${me.user_id}\n`);
    } else throw new CliError(2, USAGE);
    return 0;
  },
};

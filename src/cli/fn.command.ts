import fs from "node:fs";
import path from "node:path";
import { ClientError } from "../client/errors.ts";
import { callFunction, SealedReplyError } from "../client/functions.ts";
import { randomBytes } from "../protocol/bytes.ts";
import { decodeKey, encodeKey, keyPairFromSecret } from "../protocol/sealed-call.ts";
import { CliError, type Command, str } from "./command.ts";
import { loadConfig, makeClient, readFile } from "./config.ts";
import { info, out } from "./output.ts";

const USAGE = `sealbin fn keygen pair|private|public NAME
sealbin fn call URL ENTRY [--dir DIR] [--secret FILE] [--key FILE] [--server-key FILE]

The sealed function API (mini-share-point's /v1), with the original's files:
  keygen pair NAME   writes NAME.key (private) and NAME.pub (public), 32 bytes in base64 each;
                     give NAME.pub to the server's admin for \`sealbin-server appendclient\`
  keygen public NAME writes NAME.pub for an existing NAME.key
  call URL ENTRY     calls function ENTRY at URL (e.g. http://host:5000/v1) and prints its answer;
                     reads client.secret, client.key and server.pub from DIR (default .)`;

/** The first line of a file, trimmed. */
const firstLine = (file: string, what: string): string =>
  readFile(file, what).toString("utf8").split(/\r?\n/)[0]?.trim() ?? "";

/** A key file as the original writes them: standard base64 of 32 bytes, padded. */
function readKey(file: string, what: string): Uint8Array {
  const text = firstLine(file, what);
  const bytes = /^[A-Za-z0-9+/]{43}=$/.test(text) ? decodeKey(text) : null;
  if (!bytes) throw new CliError(2, `${what} ${file} is not a 32-byte base64 key`);
  return bytes;
}

async function keygen(rest: string[]): Promise<void> {
  const [kind, name] = rest;
  if (rest.length !== 2 || !name || !["pair", "private", "public"].includes(kind ?? "")) {
    throw new CliError(2, "usage: sealbin fn keygen pair|private|public NAME");
  }
  if (kind !== "public") {
    const file = `${name}.key`;
    if (fs.existsSync(file)) throw new CliError(2, `${file} exists: not replacing a private key`);
    fs.writeFileSync(file, encodeKey(randomBytes(32)), { mode: 0o600 });
    info(`Generated: ${file}`);
  }
  if (kind !== "private") {
    const publicKey = encodeKey(keyPairFromSecret(readKey(`${name}.key`, "private key")).publicKey);
    fs.writeFileSync(`${name}.pub`, publicKey, { mode: 0o600 });
    info(`Generated: ${name}.pub`);
    await out(`${publicKey}\n`);
  }
}

export const fnCommand: Command = {
  usage: USAGE,
  options: {
    dir: { type: "string", default: "." },
    secret: { type: "string" },
    key: { type: "string" },
    "server-key": { type: "string" },
  },
  allowPositionals: true,
  async run(v, positionals) {
    const [sub, ...rest] = positionals;
    if (sub === "keygen") {
      await keygen(rest);
      return 0;
    }
    if (sub !== "call" || rest.length !== 2) throw new CliError(2, USAGE);
    const [url = "", entry = ""] = rest;
    if (!/^https?:\/\//i.test(url))
      throw new CliError(2, "the URL must be http:// or https:// (e.g. http://localhost:5000/v1)");
    const dir = str(v, "dir") ?? ".";
    const secretHex = firstLine(str(v, "secret") ?? path.join(dir, "client.secret"), "client secret");
    if (!/^[0-9a-f]+$/i.test(secretHex))
      throw new CliError(2, "the client secret must be the hex string appendclient printed");
    const clientSecretKey = readKey(str(v, "key") ?? path.join(dir, "client.key"), "client key");
    const serverPublicKey = readKey(
      str(v, "server-key") ?? path.join(dir, "server.pub"),
      "server public key",
    );
    const client = makeClient(loadConfig({ server: url.replace(/\/v1\/?$/, "") }));
    let answer: string;
    try {
      answer = await callFunction(client, url, { secretHex, entry, clientSecretKey, serverPublicKey });
    } catch (err) {
      if (err instanceof ClientError && err.kind === "refused" && err.status === 401) {
        throw new CliError(
          1,
          "server answered 401: refused (check the secret, both keys, the function name and this machine's clock)",
        );
      }
      if (err instanceof SealedReplyError) throw new CliError(4, err.message);
      throw err;
    }
    await out(`${answer}\n`);
    return 0;
  },
};

import fs from "node:fs";
import { createPaste } from "../client/pastes.ts";
import { CliError, type Command, flag, str } from "./command.ts";
import { hasIdentity, loadConfig, makeClient } from "./config.ts";
import { checkExpiry, expiryOption, serverLimits } from "./limits.ts";
import { out } from "./output.ts";
import { terminalProgress } from "./progress.ts";

/** The content to paste: a file, or standard input. */
export async function readInput(file: string | undefined): Promise<Buffer> {
  if (file !== undefined && file !== "-") {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) throw new CliError(2, `no such file: ${file}`);
    if (!stat.isFile()) throw new CliError(2, `not a regular file: ${file}`);
    return fs.readFileSync(file);
  }
  if (process.stdin.isTTY)
    throw new CliError(2, "nothing to paste: give a file, or pipe the content in (see sealbin --help)");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export const createCommand: Command = {
  usage: `sealbin create [options] [FILE]      (also: sealbin [options] FILE, or pipe into sealbin)

Uploads FILE (or standard input), encrypted on this machine unless -E, and prints one line: the URL,
with the decryption key in its #fragment.

  -E, --no-encrypt      upload the content as it is
  -b, --burn            delete the paste after its first read
  -x, --expiry TIME     expire after TIME: seconds (3600) or 30m, 1h, 7d, 1h30m (at most the server's maximum)
  -p, --password PASS   require PASS to read the paste (checked by the server)
  -t, --type MIME       content type to declare when not encrypting (default: detected by the server)
  -s, --server URL      server to use`,
  options: {
    "no-encrypt": { type: "boolean", short: "E" },
    burn: { type: "boolean", short: "b" },
    expiry: { type: "string", short: "x" },
    password: { type: "string", short: "p" },
    type: { type: "string", short: "t" },
  },
  allowPositionals: true,
  async run(v, positionals) {
    if (positionals.length > 1) throw new CliError(2, "create takes one file (or standard input)");
    const expiry = expiryOption(v);
    const config = loadConfig(v);
    const client = makeClient(config);
    const content = await readInput(positionals[0]);
    if (content.length === 0) throw new CliError(2, "nothing to paste: the content is empty");
    // What the server allows, checked before encrypting and solving proof-of-work for nothing.
    const limits = await serverLimits(client);
    checkExpiry(expiry, str(v, "expiry"), limits);
    const password = str(v, "password");
    const type = str(v, "type");
    const created = await createPaste(client, {
      content,
      encrypt: !flag(v, "no-encrypt"),
      burnAfterRead: flag(v, "burn"),
      ...(limits ? { limits, identified: hasIdentity(config) } : {}),
      ...(expiry ? { expirySeconds: expiry } : {}),
      ...(password ? { password } : {}),
      ...(type ? { contentType: type } : {}),
      onProgress: terminalProgress("uploading"),
    });
    await out(`${created.link}\n`);
    return 0;
  },
};

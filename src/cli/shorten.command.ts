import { shortenUrl } from "../client/pastes.ts";
import { CliError, type Command, str } from "./command.ts";
import { loadConfig, makeClient } from "./config.ts";
import { out, terminalProgress } from "./output.ts";

export const shortenCommand: Command = {
  usage: `sealbin shorten [-x SECONDS] URL

Creates a short URL on the server and prints it.

  -x, --expiry SECONDS  expire after SECONDS`,
  options: { expiry: { type: "string", short: "x" } },
  allowPositionals: true,
  async run(v, positionals) {
    if (positionals.length !== 1) throw new CliError(2, "shorten takes one URL");
    const expiry = str(v, "expiry");
    // As for create: the server ignores an expiry it cannot read, so a typo would go unnoticed.
    if (expiry && !/^[1-9][0-9]{0,9}$/.test(expiry))
      throw new CliError(2, "--expiry must be a positive number of seconds");
    const client = makeClient(loadConfig(v));
    const short = await shortenUrl(client, positionals[0] ?? "", {
      ...(expiry ? { expirySeconds: Number(expiry) } : {}),
      onProgress: terminalProgress("shortening"),
    });
    await out(`${short.link}\n`);
    return 0;
  },
};

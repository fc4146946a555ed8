import fs from "node:fs";
import { pasteContent, pasteMeta } from "../client/pastes.ts";
import { CliError, type Command, flag, str } from "./command.ts";
import { loadConfig, makeClient } from "./config.ts";
import { date, out, size, terminalProgress } from "./output.ts";
import { parseRef } from "./refs.ts";

function printMeta(meta: Awaited<ReturnType<typeof pasteMeta>>): string {
  const rows: [string, string | undefined][] = [
    ["id", meta.id],
    ["mime_type", meta.mime_type],
    ["size", meta.size === undefined ? undefined : `${meta.size} (${size(meta.size)})`],
    ["created_at", meta.created_at === undefined ? undefined : date(meta.created_at)],
    ["expires_at", meta.expires_at === undefined ? "on idle (sliding)" : date(meta.expires_at)],
    ["burn_after_read", meta.burn_after_read ? "yes" : "no"],
    ["password_protected", meta.password_protected ? "yes" : "no"],
  ];
  return rows
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
}

export const getCommand: Command = {
  usage: `sealbin get [options] ID|URL

Writes the paste's content to standard output (or -o FILE), decrypting it when the URL carries a #key.

  -m, --meta            print the metadata instead of the content
  -p, --password PASS   the paste's password
  -o, --output FILE     write the content to FILE
  -s, --server URL      server to use for a bare ID`,
  options: {
    meta: { type: "boolean", short: "m" },
    password: { type: "string", short: "p" },
    output: { type: "string", short: "o" },
  },
  allowPositionals: true,
  async run(v, positionals) {
    if (positionals.length !== 1) throw new CliError(2, "get takes one paste id or URL");
    const config = loadConfig(v);
    const ref = parseRef(positionals[0] ?? "", config.server);
    const client = makeClient(config, ref.server);
    const password = str(v, "password");
    if (flag(v, "meta")) {
      await out(`${printMeta(await pasteMeta(client, ref.id, password))}\n`);
      return 0;
    }
    const output = str(v, "output");
    const target = output ? fs.createWriteStream(output) : process.stdout;
    const write = (chunk: Uint8Array) =>
      new Promise<void>((resolve, reject) => target.write(chunk, (err) => (err ? reject(err) : resolve())));
    // Plain content streams straight through; ciphertext is authenticated before a byte is shown.
    await pasteContent(client, ref.id, {
      ...(password ? { password } : {}),
      ...(ref.key ? { key: ref.key } : {}),
      sink: write,
      onProgress: terminalProgress("downloading"),
    });
    if (output) await new Promise((resolve) => (target as fs.WriteStream).end(resolve));
    return 0;
  },
};

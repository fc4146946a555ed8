import fs from "node:fs";
import { createPaste } from "../client/pastes.ts";
import { RESUMABLE_FROM_BYTES } from "../client/uploads.ts";
import { MAX_VIEWS } from "../protocol/vocabulary.ts";
import { CliError, type Command, flag, str, type Values } from "./command.ts";
import { hasIdentity, loadConfig, makeClient } from "./config.ts";
import { checkExpiry, expiryOption, serverLimits } from "./limits.ts";
import { out } from "./output.ts";
import { terminalProgress } from "./progress.ts";
import { uploadLarge } from "./upload.ts";

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

/**
 * -v/--max-views N: a whole number from 1 to MAX_VIEWS, and with --burn only 1 (exit 2 otherwise),
 * checked before anything is read or sent.
 */
export function maxViewsOption(v: Values): number | undefined {
  const text = str(v, "max-views");
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > MAX_VIEWS)
    throw new CliError(2, `--max-views ${text}: give a whole number of views from 1 to ${MAX_VIEWS}`);
  const views = Number(text);
  if (flag(v, "burn") && views !== 1)
    throw new CliError(2, `--burn is --max-views 1: give --burn or --max-views ${views}, not both`);
  return views;
}

export const createCommand: Command = {
  usage: `sealbin create [options] [FILE…]     (also: sealbin [options] FILE…, or pipe into sealbin)

Uploads FILE (or standard input), encrypted on this machine unless -E, and prints one line: the URL,
with the decryption key in its #fragment. Several files, or a file over 16 MiB, go up as one paste
that keeps their names, resumably (docs/uploads.md): if it is cut, run the same command with
--resume to send only what the server lacks.

  -E, --no-encrypt      upload the content as it is
  -b, --burn            delete the paste after its first read (the same as -v 1)
  -v, --max-views N     delete the paste after its Nth read (1 to 10000): each read counts one view
  -x, --expiry TIME     expire after TIME: seconds (3600) or 30m, 1h, 7d, 1h30m (at most the server's maximum)
  -p, --password PASS   require PASS to read the paste (checked by the server)
  -t, --type MIME       content type to declare when not encrypting (default: detected by the server)
      --resume          go on with an upload of the same files that was cut
  -s, --server URL      server to use`,
  options: {
    "no-encrypt": { type: "boolean", short: "E" },
    burn: { type: "boolean", short: "b" },
    "max-views": { type: "string", short: "v" },
    expiry: { type: "string", short: "x" },
    password: { type: "string", short: "p" },
    type: { type: "string", short: "t" },
    resume: { type: "boolean" },
  },
  allowPositionals: true,
  async run(v, positionals) {
    const expiry = expiryOption(v);
    const maxViews = maxViewsOption(v);
    const config = loadConfig(v);
    const client = makeClient(config);
    const files = positionals.filter((p) => p !== "-");
    const large =
      files.length === 1 &&
      (fs.statSync(files[0] ?? "", { throwIfNoEntry: false })?.size ?? 0) > RESUMABLE_FROM_BYTES;
    if (files.length > 1 || large || flag(v, "resume")) {
      if (files.length !== positionals.length)
        throw new CliError(2, "standard input cannot be one of several files");
      if (flag(v, "no-encrypt"))
        throw new CliError(
          2,
          "several or large files are always encrypted (their names travel inside): drop -E",
        );
      // What the server allows, checked before encrypting and solving proof-of-work for nothing.
      const limits = await serverLimits(client);
      checkExpiry(expiry, str(v, "expiry"), limits);
      const password = str(v, "password");
      const link = await uploadLarge(client, files, {
        resume: flag(v, "resume"),
        ...(limits ? { limits } : {}),
        identified: hasIdentity(config),
        ...(maxViews !== undefined ? { maxViews } : flag(v, "burn") ? { maxViews: 1 } : {}),
        ...(expiry ? { expirySeconds: expiry } : {}),
        ...(password ? { password } : {}),
      });
      await out(`${link}\n`);
      return 0;
    }
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
      ...(maxViews !== undefined ? { maxViews } : {}),
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

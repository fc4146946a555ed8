/**
 * sealbin — the command-line client of a sealbin server (and of FlaskPaste: it speaks fpaste's API).
 *
 * Built by scripts/build.ts into one file that needs Node.js >= 20 and nothing installed, whatever
 * module system the directory it is saved in uses; the server serves it at GET /client:
 *   curl -o sealbin https://paste.example.com/client && chmod +x sealbin
 *
 * Pastes are encrypted on this machine by default (src/protocol/paste-cipher.ts): the key is put only
 * in the URL's #fragment, which is never sent to the server.
 */
import { parseArgs } from "node:util";
import { ClientError } from "../client/errors.ts";
import { PasteCipherError } from "../protocol/paste-cipher.ts";
import { accountCommand } from "./account.command.ts";
import { certCommand } from "./cert.command.ts";
import { CliError, type Command } from "./command.ts";
import { configCommand } from "./config.command.ts";
import { VERSION } from "./config.ts";
import { createCommand } from "./create.command.ts";
import { deleteCommand } from "./delete.command.ts";
import { fnCommand } from "./fn.command.ts";
import { getCommand } from "./get.command.ts";
import { imageCommand } from "./image.command.ts";
import { infoCommand } from "./info.command.ts";
import { listCommand } from "./list.command.ts";
import { out } from "./output.ts";
import { pkiCommand } from "./pki.command.ts";
import { registerCommand } from "./register.command.ts";
import { shortenCommand } from "./shorten.command.ts";

const COMMANDS: Record<string, Command> = {
  create: createCommand,
  get: getCommand,
  delete: deleteCommand,
  list: listCommand,
  info: infoCommand,
  register: registerCommand,
  cert: certCommand,
  pki: pkiCommand,
  config: configCommand,
  shorten: shortenCommand,
  account: accountCommand,
  image: imageCommand,
  fn: fnCommand,
};

const USAGE = `sealbin ${VERSION} — share pastes, files and short links, encrypted end to end

usage: sealbin [-s URL] COMMAND [options]
       sealbin [options] FILE          create a paste from FILE
       ... | sealbin [options]         create a paste from standard input

commands:
  create    upload a file or standard input (encrypted unless -E); prints the URL
  get       print a paste (decrypts with the URL's #key); -m for metadata
  delete    delete pastes by id, or --all --confirm N (admin)
  list      your pastes (--all: everyone's, admin)
  info      the server's limits and proof-of-work
  register  get a client certificate from the server's PKI (--configure)
  cert      make a self-signed client certificate locally (--configure)
  pki       status | download | issue | revoke
  config    server URL | set KEY VALUE | show
  shorten   make a short URL
  account   image-store account: register, login, logout, whoami
  image     your images: list, upload, download, download-all, delete, share, permissions
  fn        the sealed function API: keygen, call

"sealbin COMMAND --help" describes each. Exit codes: 0 done, 1 the server refused, 2 bad usage or
configuration, 3 server unreachable, 4 decryption failed.`;

const GLOBAL = { server: { type: "string", short: "s" }, help: { type: "boolean", short: "h" } } as const;

async function main(argv: string[]): Promise<number> {
  // Global -s/--server may come before the command.
  const globals: string[] = [];
  while (argv[0] === "-s" || argv[0] === "--server" || /^--server=/.test(argv[0] ?? "")) {
    const flag = argv.shift() as string;
    globals.push(flag);
    if (!flag.includes("=") && argv.length > 0) globals.push(argv.shift() as string);
  }
  if (argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    await out(`${USAGE}\n`);
    return 0;
  }
  if (argv[0] === "--version" || argv[0] === "-V") {
    await out(`sealbin ${VERSION}\n`);
    return 0;
  }
  const named = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]);
  const name = named ? (argv.shift() as string) : "create";
  if (!named && argv.length === 0 && process.stdin.isTTY) {
    await out(`${USAGE}\n`);
    return 2;
  }
  const command = COMMANDS[name] as Command;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...globals, ...argv],
      options: { ...GLOBAL, ...command.options },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
  } catch (err) {
    throw new CliError(2, `${(err as Error).message}\n\n${command.usage}`);
  }
  if (parsed.values.help) {
    await out(`${command.usage}\n`);
    return 0;
  }
  return (await command.run(parsed.values as Record<string, string | boolean>, parsed.positionals)) ?? 0;
}

/** The exit code and message for an error: the kinds of src/client/errors.ts decide, never text. */
function failure(err: unknown): { code: number; message: string } {
  if (err instanceof CliError) return { code: err.code, message: err.message };
  if (err instanceof ClientError) return { code: err.kind === "unreachable" ? 3 : 1, message: err.message };
  if (err instanceof PasteCipherError) return { code: 4, message: err.message };
  return { code: 70, message: `unexpected error: ${(err as Error)?.stack ?? err}` };
}

// A reader that stops early (`sealbin get … | head`) is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const { code, message } = failure(err);
    process.stderr.write(`sealbin: ${message}\n`);
    process.exitCode = code;
  },
);

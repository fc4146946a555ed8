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
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { ClientError } from "../client/errors.ts";
import { PasteCipherError } from "../protocol/paste-cipher.ts";
import { StreamCipherError } from "../protocol/stream-metadata.ts";
import { accountCommand } from "./account.command.ts";
import { adminCommand } from "./admin.command.ts";
import { adviceFor, type FailureContext } from "./advice.ts";
import { certCommand } from "./cert.command.ts";
import { CliError, type Command, type Values } from "./command.ts";
import { configCommand } from "./config.command.ts";
import { VERSION } from "./config.ts";
import { createCommand } from "./create.command.ts";
import { deleteCommand } from "./delete.command.ts";
import { fnCommand } from "./fn.command.ts";
import { getCommand } from "./get.command.ts";
import { imageCommand } from "./image.command.ts";
import { infoCommand } from "./info.command.ts";
import { listCommand } from "./list.command.ts";
import { isClosedPipe, out, printFailure } from "./output.ts";
import { pkiCommand } from "./pki.command.ts";
import { registerCommand } from "./register.command.ts";
import { reportCommand } from "./report.command.ts";
import { shortCommand, shortenCommand } from "./short.command.ts";
import { tokenCommand } from "./token.command.ts";

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
  short: shortCommand,
  account: accountCommand,
  image: imageCommand,
  fn: fnCommand,
  report: reportCommand,
  admin: adminCommand,
  token: tokenCommand,
};

const USAGE = `sealbin ${VERSION} — share pastes, files and short links, encrypted end to end

usage: sealbin [-s URL] COMMAND [options]
       sealbin [options] FILE          create a paste from FILE
       ... | sealbin [options]         create a paste from standard input

commands:
  create    upload a file or standard input (encrypted unless -E); prints the URL
  get       print a paste (decrypts with the URL's #key); -o FILE, -m for metadata
  delete    delete pastes (or short URLs) by id or URL, or --all --confirm N (admin)
  list      your pastes (--all: everyone's, admin)
  info      the server's limits, expiry rules and proof-of-work
  register  get a client certificate from the server's PKI (--configure)
  cert      make a self-signed client certificate locally (--configure)
  pki       status | download | issue | revoke
  config    server URL | set KEY VALUE | show (and where each value comes from)
  shorten   make a short URL (short create)
  short     create | list | delete short URLs
  account   image-store account: register, login, logout, whoami
  image     your images: list, upload, download, download-all, delete, share, permissions
  fn        the sealed function API: keygen, call
  report    report a paste or short URL to the moderators (--include-key to share its key)
  admin     moderation (admins): reports, quarantine, release, block, writes
  token     API tokens for scripts and CI: create, list, revoke, sharex (a ShareX uploader)

"sealbin COMMAND --help" describes each. Exit codes: 0 done, 1 the server refused (or a limit it
states), 2 bad usage, configuration or local file, 3 no complete answer from the server (not reached,
or the connection broke), 4 decryption failed (or encrypted content without its key).`;

const GLOBAL = { server: { type: "string", short: "s" }, help: { type: "boolean", short: "h" } } as const;

/**
 * `-x -5` is a value that starts with a dash, which parseArgs takes for a missing one: a dash and a
 * digit after an option that takes a value is joined to it (`--expiry=-5`), so that the command can
 * say what is wrong with it.
 */
function joinDashValues(args: string[], options: ParseArgsOptionsConfig): string[] {
  const takesValue = new Set<string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== "string") continue;
    takesValue.add(`--${name}`);
    if (o.short) takesValue.add(`-${o.short}`);
  }
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const next = args[i + 1];
    if (takesValue.has(arg) && next !== undefined && /^-[0-9.]/.test(next)) {
      const long = arg.startsWith("--")
        ? arg
        : `--${Object.entries(options).find(([, o]) => `-${o.short}` === arg)?.[0]}`;
      joined.push(`${long}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

let context: FailureContext = { command: "", values: {} };

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
  const options = { ...GLOBAL, ...command.options };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinDashValues([...globals, ...argv], options),
      options,
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
  } catch (err) {
    throw new CliError(2, (err as Error).message, [`sealbin ${name} --help describes its options`]);
  }
  const values = parsed.values as Values;
  context = { command: name, ...(parsed.positionals[0] ? { sub: parsed.positionals[0] } : {}), values };
  if (values.help) {
    await out(`${command.usage}\n`);
    return 0;
  }
  return (await command.run(values, parsed.positionals)) ?? 0;
}

/** The exit code, message and hints for an error: the kinds of src/client/errors.ts decide, never text. */
async function failure(err: unknown): Promise<{ code: number; message: string; hints: readonly string[] }> {
  if (err instanceof CliError) return { code: err.code, message: err.message, hints: err.hints };
  if (err instanceof ClientError) {
    const hints = await adviceFor(err, context).catch(() => []);
    return { code: err.kind === "unreachable" ? 3 : 1, message: err.message, hints };
  }
  if (err instanceof PasteCipherError) return { code: 4, message: err.message, hints: [] };
  if (err instanceof StreamCipherError) return { code: 4, message: err.message, hints: [] };
  return { code: 70, message: `unexpected error: ${(err as Error)?.stack ?? err}`, hints: [] };
}

// A reader that stops early (`sealbin get … | head`) is not an error: the run ends quietly, 0.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (isClosedPipe(err)) process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    if (isClosedPipe(err)) process.exit(0);
    const { code, message, hints } = await failure(err);
    printFailure(message, hints);
    process.exitCode = code;
  },
);

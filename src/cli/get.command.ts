import fs from "node:fs";
import path from "node:path";
import type { SealbinClient } from "../client/client.ts";
import { VersionSink } from "../client/downloads.ts";
import { ClientError } from "../client/errors.ts";
import { type PasteMeta, pasteMeta, pasteRaw } from "../client/pastes.ts";
import { isBinary, looksLikeCiphertext, SAMPLE_BYTES } from "../client/recognise.ts";
import { keyFromFragment, OVERHEAD_BYTES, openPaste, PasteCipherError } from "../protocol/paste-cipher.ts";
import { HEADERS } from "../protocol/vocabulary.ts";
import { CliError, type Command, flag, str } from "./command.ts";
import { loadConfig, makeClient } from "./config.ts";
import { type Resumable, readState, resumeDownload, saveStream, statePath, validatorOf } from "./download.ts";
import { info, out } from "./output.ts";
import { canAsk, promptHidden } from "./password.ts";
import { terminalProgress } from "./progress.ts";
import { parseRef } from "./refs.ts";
import { checkTarget, SafeFile } from "./safe-file.ts";
import { date, relativeTime, size } from "./units.ts";

function printMeta(meta: PasteMeta): string {
  const expiresAt = meta.expires_at ?? meta.idle_expires_at;
  const when =
    expiresAt === undefined
      ? undefined
      : `${date(expiresAt)} (${relativeTime(expiresAt)}${meta.expires_at === undefined ? ", later if read again: each read extends it" : ""})`;
  const rows: [string, string | undefined][] = [
    ["id", meta.id],
    ["mime_type", meta.mime_type],
    ["size", meta.size === undefined ? undefined : `${meta.size} (${size(meta.size)})`],
    ["created_at", meta.created_at === undefined ? undefined : date(meta.created_at)],
    ["expires_at", when ?? "on idle (sliding)"],
    ["burn_after_read", meta.burn_after_read ? "yes" : "no"],
    [
      "views_left",
      meta.max_views === undefined ? undefined : `${meta.views_left ?? "?"} of ${meta.max_views}`,
    ],
    ["password_protected", meta.password_protected ? "yes" : "no"],
  ];
  return rows
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
}

/** The hint for content that looks encrypted and came without its key. */
const KEYLESS_HINTS = [
  "use the link with its #key to decrypt it (sealbin get 'URL#KEY' or sealbin get ID#KEY)",
  "--raw writes the ciphertext as it is",
];

/**
 * Runs `read` with the password given; when the server answers that the paste needs one (401), asks
 * for it on a terminal, up to three times (a typed one that is wrong gets 403), or, with nobody to
 * ask, says which option gives it.
 */
async function withPassword<T>(id: string, given: string | undefined, read: (pw?: string) => Promise<T>) {
  let password = given;
  for (let prompts = 0; ; prompts++) {
    try {
      return await read(password);
    } catch (err) {
      if (!(err instanceof ClientError) || err.kind !== "refused" || given !== undefined) throw err;
      const wrong = err.status === 403 && prompts > 0;
      if (err.status !== 401 && !wrong) throw err;
      if (!canAsk()) {
        throw new CliError(1, err.message, [
          `the paste has a password: give it with -p PASS (sealbin get -p PASS ${id})`,
        ]);
      }
      if (prompts >= 3) throw err;
      if (wrong) info("wrong password, try again");
      password = await promptHidden(`password for paste ${id}: `);
    }
  }
}

type Destination = { readonly file: SafeFile } | { readonly stdout: true; readonly forced: boolean };

/** Writes to the destination (a file's chunks go to its temporary file; stdout ends quietly on EPIPE). */
const writer = (to: Destination) => (chunk: Uint8Array) => ("file" in to ? to.file.write(chunk) : out(chunk));

/** Whether to refuse binary content for standard output: a terminal, and not `-o -`. */
const refusesBinary = (to: Destination): boolean =>
  "stdout" in to && !to.forced && process.stdout.isTTY === true;

const TEXTY = /^text\/|^application\/(json|xml|javascript|x-sh|x-yaml|yaml|toml)\b|\+json$|\+xml$/;

function binaryRefusal(what: string): CliError {
  return new CliError(2, `${what} is binary: not written to the terminal`, [
    "save it with -o FILE, or redirect standard output (sealbin get … > FILE)",
    "-o - writes it to the terminal anyway",
  ]);
}

/** The decrypted paste, written once authenticated; binary content burned by this read is kept in a file. */
async function deliverDecrypted(
  to: Destination,
  id: string,
  opened: { content: Uint8Array; meta: { name?: string } },
  burned: boolean,
) {
  if (refusesBinary(to) && isBinary(opened.content, true)) {
    if (!burned) throw binaryRefusal(`paste ${id}`);
    // The server deleted it on this read: refusing would lose it, so it goes to a new file — named
    // by the CLI (the uploader's name could be .profile), with the extension of that name.
    const extension = /\.[A-Za-z0-9]{1,10}$/.exec(opened.meta.name ?? "")?.[0] ?? "";
    const name = `sealbin-${id}${extension}`;
    let target = name;
    for (let n = 1; fs.existsSync(target); n++) target = `${name}.${n}`;
    const file = new SafeFile(target, { force: false });
    await file.write(opened.content);
    file.commit();
    info(`paste ${id} is binary and was deleted by this read (burn after read): saved as ${target}`);
    return;
  }
  await writer(to)(opened.content);
}

/**
 * Streams a paste fetched without a key: its first bytes are held back until they show whether it
 * is text, other content, or ciphertext without its key (exit 4 unless `raw`).
 */
function sniffingSink(to: Destination, id: string, meta: PasteMeta | undefined, raw: boolean) {
  const write = writer(to);
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let decided = false;
  const total = meta?.size ?? 0;
  const decide = async (complete: boolean) => {
    decided = true;
    const sample = Buffer.concat(held);
    if (
      !raw &&
      meta?.mime_type === "application/octet-stream" &&
      looksLikeCiphertext(sample, total || sample.length)
    ) {
      throw new CliError(
        4,
        `paste ${id} is encrypted, and the link has no #key to decrypt it`,
        KEYLESS_HINTS,
      );
    }
    if (refusesBinary(to) && isBinary(sample, complete)) throw binaryRefusal(`paste ${id}`);
    held = [];
    if (sample.length > 0) await write(sample);
  };
  return {
    async sink(chunk: Uint8Array) {
      if (decided) return write(chunk);
      held.push(Buffer.from(chunk));
      heldBytes += chunk.length;
      if (heldBytes >= SAMPLE_BYTES) await decide(false);
    },
    async end() {
      if (!decided) await decide(true);
    },
  };
}

/**
 * A keyed paste: a version-2 one (large, or several files) is decrypted as it streams in
 * (download.ts), resumably when it goes to files and the server offers ranges; a version-1 one is
 * fetched whole and authenticated before a byte is written.
 */
async function fetchDecrypted(
  client: SealbinClient,
  ref: { server: string; id: string; key: string },
  to: Destination | undefined,
  o: { password?: string; dir: string | undefined; force: boolean; statePath: string },
) {
  const key = keyFromFragment(ref.key);
  if (!key) throw new PasteCipherError("bad-key");
  const target = to && "file" in to ? to.file.target : undefined;
  const places = { dir: o.dir, target, force: o.force };
  const earlier = readState(o.statePath, ref.server, ref.id);
  if (earlier) {
    const resumed = await resumeDownload(client, key, earlier, {
      ...places,
      single: undefined,
      statePath: o.statePath,
      ...(o.password !== undefined ? { password: o.password } : {}),
    });
    if (resumed) return resumed;
  }
  let saved: Promise<"single" | "files"> | undefined;
  let resumable: Resumable | undefined;
  const onAnswer = (_status: number, headers: Readonly<Record<string, string>>) => {
    const etag = validatorOf(headers);
    if (etag) resumable = { statePath: o.statePath, server: ref.server, id: ref.id, etag };
  };
  const split = new VersionSink((pushed) => {
    let first = true;
    const write = to && !("file" in to) ? writer(to) : undefined;
    const single =
      to && write
        ? (piece: Uint8Array) => {
            if (first && refusesBinary(to) && isBinary(piece, false)) throw binaryRefusal(`paste ${ref.id}`);
            first = false;
            return write(piece);
          }
        : undefined;
    saved = saveStream(key, pushed, { ...places, single, resumable });
    // A stream that fails to verify stops the reader: the rest of the body is let through.
    saved.catch(() => pushed.abandon());
  });
  const { pushed, sink } = split;
  const res = await pasteRaw(client, ref.id, {
    ...(o.password !== undefined ? { password: o.password } : {}),
    sink,
    onAnswer,
    onProgress: terminalProgress("downloading"),
  }).catch(async (err: unknown) => {
    pushed.end(err);
    // A cut while saving: the saver says what it kept (and rejects with the same error).
    await saved?.catch(() => undefined);
    throw err;
  });
  if (split.isStream) {
    pushed.end();
    return (await saved) ?? "single";
  }
  if (!to) throw new CliError(2, "-o names a directory: this paste is one content, give -o a file");
  const opened = await openPaste(split.held(), ref.key);
  await deliverDecrypted(to, ref.id, opened, res.headers[HEADERS.burnAfterRead] === "true");
  return "single";
}

async function fetchPaste(
  client: SealbinClient,
  ref: { id: string; key: string },
  to: Destination,
  o: { password?: string; raw: boolean },
) {
  const password = o.password !== undefined ? { password: o.password } : {};
  const onProgress = terminalProgress("downloading");
  let meta: PasteMeta | undefined;
  if (!o.raw) {
    // The metadata first (reading it deletes nothing): whether reading the content would destroy
    // something that cannot be shown.
    meta = await pasteMeta(client, ref.id, o.password);
    const mime = meta.mime_type ?? "";
    const lastView = meta.burn_after_read || meta.views_left === 1;
    if (lastView && mime === "application/octet-stream" && (meta.size ?? 0) >= OVERHEAD_BYTES) {
      throw new CliError(
        4,
        `paste ${ref.id} looks encrypted and is deleted when read, and the link has no #key`,
        [
          "reading it now would destroy it unreadable: use the link with its #key",
          "--raw fetches the ciphertext anyway (and deletes the paste)",
        ],
      );
    }
    if (refusesBinary(to) && mime !== "" && !TEXTY.test(mime) && mime !== "application/octet-stream") {
      throw binaryRefusal(`paste ${ref.id} (${mime}, ${size(meta.size ?? 0)})`);
    }
  }
  const sniff = sniffingSink(to, ref.id, meta, o.raw);
  await pasteRaw(client, ref.id, { ...password, sink: sniff.sink, onProgress });
  await sniff.end();
}

export const getCommand: Command = {
  usage: `sealbin get [options] ID|URL

Writes the paste's content to standard output (or -o FILE), decrypting it when the URL carries a #key
(authenticated before anything is written). Without a key, an encrypted paste is not printed (exit 4)
unless --raw. Binary content is not written to a terminal: use -o FILE, or -o - to insist.
A large or multi-file paste saved to files resumes when the same command runs again after a cut
(NAME.part files; never for burn-after-read or view-limited pastes).

  -m, --meta            print the metadata instead of the content
  -p, --password PASS   the paste's password (asked for on a terminal when needed)
  -o, --output FILE     write the content to FILE (complete and verified, or not at all); - for stdout
  --force               replace FILE if it exists
  --raw                 write the stored bytes as they are (ciphertext stays ciphertext)
  -s, --server URL      server to use for a bare ID`,
  options: {
    meta: { type: "boolean", short: "m" },
    password: { type: "string", short: "p" },
    output: { type: "string", short: "o" },
    force: { type: "boolean" },
    raw: { type: "boolean" },
  },
  allowPositionals: true,
  async run(v, positionals) {
    if (positionals.length !== 1) throw new CliError(2, "get takes one paste id or URL");
    const config = loadConfig(v);
    const ref = parseRef(positionals[0] ?? "", config.server);
    const output = str(v, "output");
    const toFile = output !== undefined && output !== "-";
    // Refused before any request: nothing is read (nor a burn-after-read paste deleted) for nothing.
    // A directory takes the files of a paste of several (version 2).
    const toDir = toFile && fs.statSync(output, { throwIfNoEntry: false })?.isDirectory() === true;
    if (toFile && !toDir) checkTarget(output, flag(v, "force"));
    const client = makeClient(config, ref.server);
    if (toDir) {
      // Whether the paste is one content or several files shows only in its bytes: a paste that
      // counts its views is never read only to find that a directory cannot take it.
      const meta = await withPassword(ref.id, str(v, "password"), (pw) => pasteMeta(client, ref.id, pw));
      if (!ref.key || meta.burn_after_read || meta.max_views !== undefined)
        throw new CliError(2, `${output} is a directory: name a file`, [
          "a paste of several files is saved under their names in the current directory without -o",
        ]);
    }
    if (flag(v, "meta")) {
      const meta = await withPassword(ref.id, str(v, "password"), (pw) => pasteMeta(client, ref.id, pw));
      await out(`${printMeta(meta)}\n`);
      return 0;
    }
    await withPassword(ref.id, str(v, "password"), async (pw) => {
      const file = toFile && !toDir ? new SafeFile(output, { force: flag(v, "force") }) : undefined;
      try {
        const to: Destination | undefined = file
          ? { file }
          : toDir
            ? undefined
            : { stdout: true, forced: output === "-" };
        const password = pw !== undefined ? { password: pw } : {};
        let wrote: "single" | "files" = "single";
        if (ref.key && !flag(v, "raw"))
          wrote = await fetchDecrypted(client, ref, to, {
            ...password,
            dir: toDir ? output : undefined,
            force: flag(v, "force"),
            statePath: statePath(toDir ? output : toFile ? path.dirname(output) : ".", ref.id),
          });
        else if (to) await fetchPaste(client, ref, to, { ...password, raw: flag(v, "raw") });
        else throw new CliError(2, `${output} is a directory: name a file`);
        // A paste of several files went to their names: FILE was never its destination.
        if (wrote === "files") file?.abort();
        else file?.commit();
      } catch (err) {
        file?.abort();
        throw err;
      }
    });
    return 0;
  },
};

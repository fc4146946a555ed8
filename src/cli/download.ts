/**
 * Saving version-2 pastes (src/protocol/stream-cipher.ts) as they download: to standard output, to
 * the -o file, or to the files' own names; resumable when the server gives the content a validator
 * (docs/cli.md, "Resumed downloads": `NAME.part` files and `.sealbin-ID.part.json` beside them).
 */
import fs from "node:fs";
import path from "node:path";
import type { SealbinClient } from "../client/client.ts";
import { Pushed, splitFiles } from "../client/downloads.ts";
import { ClientError } from "../client/errors.ts";
import { pasteRaw } from "../client/pastes.ts";
import { openStream, openStreamHead, recordOffset } from "../protocol/stream-cipher.ts";
import type { StreamFile } from "../protocol/stream-metadata.ts";
import { CliError } from "./command.ts";
import { info } from "./output.ts";
import { terminalProgress } from "./progress.ts";
import { partPath, SafeFile } from "./safe-file.ts";

/** The paths of a paste's files in `dir`: names from the uploader, never a directory part or a dot file. */
function targetsIn(files: readonly StreamFile[], dir: string): string[] {
  const seen = new Set<string>();
  return files.map((f) => {
    let name = path.basename(f.name).replace(/^\.+/, "") || "file";
    while (seen.has(name)) name = `_${name}`;
    seen.add(name);
    return path.join(dir, name);
  });
}

/** What a resumable download keeps beside its `.part` files (no key: that comes with the link). */
interface PartState {
  readonly version: 1;
  readonly server: string;
  readonly id: string;
  readonly etag: string;
  /** The stream's header and sealed metadata, base64. */
  readonly head: string;
  /** Absolute paths. */
  readonly targets: readonly string[];
}

/** Where a download of paste `id` into `dir` keeps its state. */
export const statePath = (dir: string, id: string): string => path.join(dir, `.sealbin-${id}.part.json`);

/** A download that may be resumed: the paste's validator, and where its state goes. */
export interface Resumable {
  readonly statePath: string;
  readonly server: string;
  readonly id: string;
  readonly etag: string;
}

/** The answer's validator when it can be resumed: ranges offered (never for a view limit) and an ETag. */
export function validatorOf(headers: Readonly<Record<string, string>>): string | undefined {
  return headers["accept-ranges"] === "bytes" ? headers.etag : undefined;
}

export interface SaveOptions {
  /** Standard output, for a paste of one file without -o FILE. */
  readonly single: ((chunk: Uint8Array) => Promise<void> | void) | undefined;
  /** -o FILE: where a paste of one file goes. */
  readonly target: string | undefined;
  /** -o DIR: where a paste's files go under their names (else the current directory). */
  readonly dir: string | undefined;
  readonly force: boolean;
  readonly resumable?: Resumable | undefined;
}

/** The files a paste's content goes to, or none for standard output. */
function destinations(files: readonly StreamFile[], o: SaveOptions): string[] {
  const many = files.length !== 1 || o.dir !== undefined;
  if (!many) {
    if (o.target !== undefined) return [o.target];
    if (o.single === undefined) throw new CliError(2, "no destination for the paste");
    return [];
  }
  // Several files never go to one destination: under their names, where -o said or here.
  if (o.dir === undefined && (o.single !== undefined || o.target !== undefined))
    info(`this paste holds ${files.length} files: saved under their names in the current directory`);
  return targetsIn(files, o.dir ?? ".");
}

/** Whether a failure leaves a download worth resuming: the connection, not the content. */
const isCut = (err: unknown): boolean => err instanceof ClientError && err.kind === "unreachable";

/**
 * Writes the content (from `start` bytes in) to the targets, each put in place once the whole
 * stream has verified. Resumable: the `.part` files are truncated to `lengths` (0 when fresh) and
 * appended to, and a cut connection keeps them and the state; any other failure removes them.
 */
async function writeFiles(
  files: readonly StreamFile[],
  content: AsyncIterable<Uint8Array>,
  targets: readonly string[],
  o: SaveOptions & { start: number; lengths?: readonly number[] },
): Promise<void> {
  const resumable = o.resumable !== undefined;
  const sinks: SafeFile[] = [];
  try {
    for (const [i, t] of targets.entries()) {
      sinks.push(new SafeFile(t, { force: o.force, resumable }));
      if (resumable) sinks[i]?.truncate(o.lengths?.[i] ?? 0);
    }
    await splitFiles(files, content, (index, piece) => sinks[index]?.write(piece), o.start);
    for (const s of sinks) s.commit();
  } catch (err) {
    if (resumable && isCut(err)) {
      for (const s of sinks) s.keep();
      const saved = targets.reduce((sum, t) => sum + partLength(t), 0);
      const total = files.reduce((sum, f) => sum + f.size, 0);
      info(`download stopped at ${saved} of ${total} bytes: run the same command again to resume`);
    } else {
      for (const s of sinks) s.abort();
      if (o.resumable) fs.rmSync(o.resumable.statePath, { force: true });
    }
    throw err;
  }
  if (o.resumable) fs.rmSync(o.resumable.statePath, { force: true });
  for (const [i, t] of targets.entries()) info(`saved ${t} (${files[i]?.size ?? 0} bytes)`);
}

/** The bytes of a target's `.part` file (not followed through a link: such a one counts as none). */
function partLength(target: string): number {
  const st = fs.lstatSync(partPath(path.resolve(target)), { throwIfNoEntry: false });
  return st?.isFile() ? st.size : 0;
}

/**
 * Decrypts `source` (a version-2 paste) to its destinations (see SaveOptions); "files" when it went
 * to files, "single" when to standard output. Resumable: the state is written once the head has
 * authenticated, before any content.
 */
export async function saveStream(
  key: Uint8Array,
  source: AsyncIterable<Uint8Array>,
  options: SaveOptions,
): Promise<"single" | "files"> {
  const opened = await openStream(key, source);
  const { files } = opened.metadata;
  const targets = destinations(files, options);
  if (targets.length === 0) {
    await splitFiles(files, opened.content, (_, piece) => options.single?.(piece));
    return "single";
  }
  const r = options.resumable;
  if (r) {
    const state: PartState = {
      version: 1,
      server: r.server,
      id: r.id,
      etag: r.etag,
      head: Buffer.from(opened.head).toString("base64"),
      targets: targets.map((t) => path.resolve(t)),
    };
    writeState(r.statePath, state);
  }
  await writeFiles(files, opened.content, targets, { ...options, start: 0 });
  return "files";
}

/** Writes the state file afresh, never through a symbolic link. */
function writeState(file: string, state: PartState): void {
  const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;
  const fd = fs.openSync(file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(state)}\n`);
  } finally {
    fs.closeSync(fd);
  }
}

/** The state of an earlier download of this paste from this server, if one is there and whole. */
export function readState(file: string, server: string, id: string): PartState | undefined {
  let state: PartState;
  try {
    state = JSON.parse(fs.readFileSync(file, "utf8")) as PartState;
  } catch {
    return undefined;
  }
  const ok =
    state?.version === 1 &&
    state.server === server &&
    state.id === id &&
    typeof state.etag === "string" &&
    typeof state.head === "string" &&
    Array.isArray(state.targets);
  return ok ? state : undefined;
}

/**
 * Resumes a download from its state: the head authenticated again with the link's key, the `.part`
 * files measured, the content asked for from the record that holds their end (Range, If-Range with
 * the validator). A 206 goes on from there; a 200 (the validator no longer matches) starts over.
 * Undefined when the state does not fit these destinations (the caller starts afresh).
 */
export async function resumeDownload(
  client: SealbinClient,
  key: Uint8Array,
  state: PartState,
  options: SaveOptions & { statePath: string; password?: string },
): Promise<"files" | undefined> {
  const head = await openStreamHead(key, Buffer.from(state.head, "base64"));
  const { files } = head.metadata;
  // One file without -o FILE goes to standard output: nothing to resume there.
  if (files.length === 1 && options.dir === undefined && options.target === undefined) return undefined;
  const targets = destinations(files, { ...options, single: undefined });
  const same =
    targets.length === state.targets.length && targets.every((t, i) => path.resolve(t) === state.targets[i]);
  if (!same) return undefined;
  // The bytes already there, in order: a file counts only after every one before it is whole.
  const lengths: number[] = [];
  let done = 0;
  let whole = true;
  for (const [i, t] of targets.entries()) {
    const size = files[i]?.size ?? 0;
    const have: number = whole ? Math.min(partLength(t), size) : 0;
    whole &&= have === size;
    lengths.push(have);
    done += have;
  }
  const expected = files.reduce((sum, f) => sum + f.size, 0);
  const lastRecord = Math.max(1, Math.ceil(expected / head.recordBytes));
  const record = Math.min(Math.floor(done / head.recordBytes) + 1, lastRecord);
  const start = (record - 1) * head.recordBytes;
  // Back to the start of that record: what follows is fetched again.
  let left = start;
  const kept = lengths.map((l) => {
    const k = Math.min(l, left);
    left -= k;
    return k;
  });
  info(`resuming the download at ${start} of ${expected} bytes`);
  const resumable: Resumable = {
    statePath: options.statePath,
    server: state.server,
    id: state.id,
    etag: state.etag,
  };
  const pushed = new Pushed();
  let saving: Promise<void> | undefined;
  const onAnswer = (status: number) => {
    const fresh = status !== 206;
    const content = fresh
      ? openStream(key, pushed).then((o) => o.content)
      : Promise.resolve(head.from(record, pushed));
    if (fresh) info("the server sent the whole paste: starting over");
    saving = content.then((c) =>
      writeFiles(files, c, targets, {
        ...options,
        resumable,
        start: fresh ? 0 : start,
        lengths: fresh ? [] : kept,
      }),
    );
    saving.catch(() => pushed.abandon());
  };
  const offset = recordOffset(head.head.length, head.recordBytes, record);
  await pasteRaw(client, state.id, {
    ...(options.password !== undefined ? { password: options.password } : {}),
    headers: { range: `bytes=${offset}-`, "if-range": state.etag },
    onAnswer,
    sink: (chunk) => pushed.push(chunk),
    onProgress: terminalProgress("downloading"),
  }).then(
    () => pushed.end(),
    (err: unknown) => {
      pushed.end(err);
      if (saving) return;
      // The paste is gone (deleted, expired): what was saved of it can never be completed.
      if (err instanceof ClientError && err.status === 404) {
        for (const t of targets) fs.rmSync(partPath(path.resolve(t)), { force: true });
        fs.rmSync(options.statePath, { force: true });
        info(`paste ${state.id} is gone: its partial download was removed`);
      }
      throw err;
    },
  );
  await saving;
  return "files";
}

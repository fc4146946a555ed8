/**
 * Large files and several files at once (docs/cli.md): encrypted as a version-2 stream and sent
 * with resumable uploads (src/client/uploads.ts), so that memory stays flat and an interrupted
 * upload goes on with `--resume`. What resuming needs (the upload's URL, key and salt) is kept in
 * the state directory, readable by its owner only, and deleted once the paste exists.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { SealbinClient } from "../client/client.ts";
import type { PasteLimits } from "../client/pastes.ts";
import { type UploadSource, type UploadState, uploadFiles } from "../client/uploads.ts";
import { MAX_FILES } from "../protocol/stream-metadata.ts";
import { CliError } from "./command.ts";
import { info } from "./output.ts";
import { terminalProgress } from "./progress.ts";

function stateDir(): string {
  const base = process.env.XDG_STATE_HOME || path.join(os.homedir(), ".local", "state");
  return path.join(base, "sealbin", "uploads");
}

/** The state file of these files to this server: the same files (path, size, time) find it again. */
function stateFile(server: string, files: readonly string[]): string {
  const h = createHash("sha256").update(server);
  for (const file of files) {
    const st = fs.statSync(file);
    h.update(`\0${path.resolve(file)}\0${st.size}\0${st.mtimeMs}`);
  }
  return path.join(stateDir(), `${h.digest("hex").slice(0, 32)}.json`);
}

function readState(file: string): UploadState | undefined {
  try {
    const s = JSON.parse(fs.readFileSync(file, "utf8")) as UploadState;
    return typeof s.url === "string" && typeof s.fragment === "string" && typeof s.salt === "string"
      ? s
      : undefined;
  } catch {
    return undefined;
  }
}

function sourceOf(file: string): UploadSource {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new CliError(2, `no such file: ${file}`);
  if (!stat.isFile()) throw new CliError(2, `not a regular file: ${file}`);
  return {
    name: path.basename(file),
    size: stat.size,
    open: () => fs.createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Uint8Array>,
  };
}

/** Uploads `files` as one paste; its link (with the key). */
export async function uploadLarge(
  client: SealbinClient,
  files: readonly string[],
  options: {
    resume: boolean;
    maxViews?: number;
    expirySeconds?: number;
    password?: string;
    limits?: PasteLimits;
    identified: boolean;
  },
): Promise<string> {
  if (files.length > MAX_FILES) throw new CliError(2, `at most ${MAX_FILES} files in one paste`);
  const names = new Set<string>();
  const sources = files.map((f) => {
    const source = sourceOf(f);
    if (names.has(source.name))
      throw new CliError(2, `two files are named ${source.name}: a paste keeps names, not folders`);
    names.add(source.name);
    return source;
  });
  const file = stateFile(client.base, files);
  const saved = options.resume ? readState(file) : undefined;
  if (options.resume && !saved) info("nothing to resume for these files: starting the upload");
  const done = await uploadFiles(client, {
    files: sources,
    ...(saved && { resume: saved }),
    ...(options.maxViews !== undefined && { maxViews: options.maxViews }),
    ...(options.expirySeconds !== undefined && { expirySeconds: options.expirySeconds }),
    ...(options.password && { password: options.password }),
    ...(options.limits && { limits: options.limits, identified: options.identified }),
    onState: (state) => {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      fs.writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
    },
    onProgress: terminalProgress("uploading"),
  }).catch((err: unknown) => {
    if (fs.existsSync(file))
      info("the upload stopped; run the same command with --resume to go on from where it is");
    throw err;
  });
  fs.rmSync(file, { force: true });
  return done.link;
}

/**
 * Writing a file the user named without ever destroying data: the content goes to a temporary file
 * beside it (same directory, so the final rename is atomic), which becomes the file only once it is
 * complete; any failure, an interrupt included, removes the temporary file and leaves the target as
 * it was. An existing target is replaced only with `force` — checked before any work, and again at
 * the end without a window (a hard link, which fails when the name exists).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { CliError } from "./command.ts";

/** Temporary files of this process still to remove if it ends early. */
const pending = new Set<string>();
let hooked = false;

function removePending(): void {
  for (const file of pending) {
    try {
      fs.unlinkSync(file);
    } catch {}
  }
  pending.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on("exit", removePending);
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const) {
    process.on(signal, () => {
      removePending();
      process.exit(code);
    });
  }
}

const why = (err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  const words: Record<string, string> = {
    ENOSPC: "no space left on the device",
    EDQUOT: "disk quota exceeded",
    EACCES: "permission denied",
    EROFS: "read-only file system",
    ENOENT: "no such directory",
    EISDIR: "it is a directory",
    ELOOP: "a symbolic link is in the way",
  };
  return words[e?.code ?? ""] ?? e?.message ?? String(err);
};

/**
 * Exit 2 unless `target` may be written: it must not be a directory, and must not exist unless
 * `force`. Called before any request, so that nothing is fetched (nor a burn-after-read paste read)
 * only to be refused.
 */
export function checkTarget(target: string, force: boolean): void {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (stat?.isDirectory()) throw new CliError(2, `${target} is a directory: name a file`);
  if (stat && !force) throw new CliError(2, `${target} exists; pass --force to replace it`);
}

export class SafeFile {
  readonly target: string;
  readonly #force: boolean;
  readonly #temp: string;
  readonly #mode: number | undefined;
  #fd: number | undefined;

  /**
   * Opens the temporary file beside `target` (exit 2 when that is impossible). `resumable`: it is
   * `TARGET.part`, appended to (a resumed download; the caller truncates it first) and kept when
   * the process stops, unless abort() removes it.
   */
  constructor(target: string, options: { force: boolean; mode?: number; resumable?: boolean }) {
    checkTarget(target, options.force);
    this.target = target;
    this.#force = options.force;
    this.#mode = options.mode;
    const dir = path.dirname(path.resolve(target));
    this.#temp = options.resumable
      ? partPath(path.resolve(target))
      : path.join(dir, `.${path.basename(target)}.${crypto.randomBytes(4).toString("hex")}.part`);
    hookExit();
    try {
      this.#fd = options.resumable
        ? openPart(this.#temp)
        : fs.openSync(this.#temp, "wx", options.mode ?? 0o600);
    } catch (err) {
      throw new CliError(2, `cannot write ${target}: ${why(err)}`);
    }
    if (!options.resumable) pending.add(this.#temp);
  }

  /** Cuts the temporary file to `length` bytes (a resumed download going back to a record's start). */
  truncate(length: number): void {
    if (this.#fd !== undefined) fs.ftruncateSync(this.#fd, length);
  }

  /** Closes the temporary file and leaves it where it is, to resume from (resumable only). */
  keep(): void {
    if (this.#fd === undefined) return;
    try {
      fs.fsyncSync(this.#fd);
      fs.closeSync(this.#fd);
    } catch {}
    this.#fd = undefined;
  }

  /** Appends bytes; a failure (a full disk) removes the temporary file and exits 2. */
  async write(bytes: Uint8Array): Promise<void> {
    if (this.#fd === undefined) throw new Error("SafeFile written after it was closed");
    const fd = this.#fd;
    let at = 0;
    try {
      while (at < bytes.length) {
        const { bytesWritten } = await new Promise<{ bytesWritten: number }>((resolve, reject) =>
          fs.write(fd, bytes, at, bytes.length - at, null, (err, n) =>
            err ? reject(err) : resolve({ bytesWritten: n }),
          ),
        );
        at += bytesWritten;
      }
    } catch (err) {
      this.abort();
      throw new CliError(2, `cannot write ${this.target}: ${why(err)}; it is left as it was`);
    }
  }

  /** Makes the complete content the target: synced to disk, then renamed (or linked) into place. */
  commit(): void {
    const fd = this.#fd;
    if (fd === undefined) throw new Error("SafeFile committed twice");
    try {
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      this.#fd = undefined;
      // A replaced file keeps its mode; a new one gets the one asked for, else what umask gives.
      const previous = fs.statSync(this.target, { throwIfNoEntry: false });
      fs.chmodSync(this.#temp, previous ? previous.mode & 0o7777 : (this.#mode ?? 0o666 & ~process.umask()));
      if (this.#force) fs.renameSync(this.#temp, this.target);
      else this.#placeWithoutReplacing();
      pending.delete(this.#temp);
    } catch (err) {
      this.abort();
      if ((err as NodeJS.ErrnoException).code === "EEXIST")
        throw new CliError(2, `${this.target} appeared meanwhile; pass --force to replace it`);
      throw new CliError(2, `cannot write ${this.target}: ${why(err)}; it is left as it was`);
    }
  }

  /** Gives the temporary file the target's name, failing with EEXIST when that name is taken. */
  #placeWithoutReplacing(): void {
    try {
      fs.linkSync(this.#temp, this.target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "";
      // A file system without hard links: checked, then renamed (a window, but a small one).
      if (!["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"].includes(code)) throw err;
      if (fs.existsSync(this.target)) throw Object.assign(new Error("exists"), { code: "EEXIST" });
      fs.renameSync(this.#temp, this.target);
      return;
    }
    fs.unlinkSync(this.#temp);
  }

  /** Removes the temporary file; the target is untouched. */
  abort(): void {
    if (this.#fd !== undefined) {
      try {
        fs.closeSync(this.#fd);
      } catch {}
      this.#fd = undefined;
    }
    try {
      fs.unlinkSync(this.#temp);
    } catch {}
    pending.delete(this.#temp);
  }
}

/**
 * Opens (or creates) a `.part` file to append to, never through a symbolic link and only when it
 * is this user's own regular file with one name: in a shared directory, a link planted under a
 * name the uploader chose must not make a download truncate or append to another file.
 */
function openPart(part: string): number {
  const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW } = fs.constants;
  const fd = fs.openSync(part, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o600);
  const st = fs.fstatSync(fd);
  const mine = typeof process.getuid !== "function" || st.uid === process.getuid();
  if (!st.isFile() || st.nlink !== 1 || !mine) {
    fs.closeSync(fd);
    throw Object.assign(new Error(`${part} is not a partial download of this user's`), { code: "EPART" });
  }
  return fd;
}

/** Where a resumable download of `target` keeps what it has so far. */
export const partPath = (target: string): string => `${target}.part`;

/** Writes `content` to `target` through a SafeFile. */
export async function writeSafely(
  target: string,
  content: Uint8Array | string,
  force: boolean,
  mode?: number,
) {
  const file = new SafeFile(target, { force, ...(mode !== undefined ? { mode } : {}) });
  await file.write(typeof content === "string" ? Buffer.from(content) : content);
  file.commit();
}

import path from "node:path";
import { openStream, type StreamFile } from "../protocol/stream-cipher.ts";
import { CliError } from "./command.ts";
import { info } from "./output.ts";
import { SafeFile } from "./safe-file.ts";

/** A push source (the transport's sink) as the pull iterable openStream reads, with backpressure. */
export class Pushed implements AsyncIterable<Uint8Array> {
  private queue: Uint8Array[] = [];
  private ended = false;
  private abandoned = false;
  private failure: unknown;
  private wake: (() => void) | undefined;
  private drained: (() => void) | undefined;

  /** The transport's sink: resolves once the reader has taken the chunk. */
  push(chunk: Uint8Array): Promise<void> {
    if (this.abandoned) return Promise.resolve();
    this.queue.push(chunk);
    this.wake?.();
    return new Promise((resolve) => {
      this.drained = resolve;
    });
  }

  /** The reader gave up (the stream failed to verify): the rest of the download is let through. */
  abandon(): void {
    this.abandoned = true;
    this.queue = [];
    this.drained?.();
  }

  end(err?: unknown): void {
    this.ended = true;
    this.failure = err;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      const next = this.queue.shift();
      if (next !== undefined) {
        yield next;
        if (this.queue.length === 0) this.drained?.();
        continue;
      }
      if (this.ended) {
        if (this.failure !== undefined) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }
}

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

/**
 * Decrypts `source` (a version-2 paste). A paste of one file goes to `single` (standard output or
 * the -o file, as a version-1 paste would); one of several files goes to its files' names in `dir`
 * (-o DIR, else the current directory), each put in place once the whole stream has verified.
 */
export async function saveStream(
  key: Uint8Array,
  source: AsyncIterable<Uint8Array>,
  options: {
    single: ((chunk: Uint8Array) => Promise<void> | void) | undefined;
    dir: string | undefined;
    force: boolean;
  },
): Promise<"single" | "files"> {
  const opened = await openStream(key, source);
  const { files } = opened.metadata;
  const many = files.length !== 1 || options.dir !== undefined;
  if (!many && options.single === undefined) throw new CliError(2, "no destination for the paste");
  // Several files never go to one destination: under their names, where -o said or here.
  if (many && options.single !== undefined && options.dir === undefined)
    info(`this paste holds ${files.length} files: saved under their names in the current directory`);
  const targets = many ? targetsIn(files, options.dir ?? ".") : [];
  const sinks = targets.map((t) => new SafeFile(t, { force: options.force }));
  try {
    let index = 0;
    let left = files[0]?.size ?? 0;
    for await (let plain of opened.content) {
      while (plain.length > 0) {
        while (left === 0 && index < files.length - 1) left = files[++index]?.size ?? 0;
        const piece = plain.subarray(0, left);
        plain = plain.subarray(piece.length);
        left -= piece.length;
        if (many) await sinks[index]?.write(piece);
        else await options.single?.(piece);
      }
    }
    for (const s of sinks) s.commit();
  } catch (err) {
    for (const s of sinks) s.abort();
    throw err;
  }
  for (const [i, t] of targets.entries()) info(`saved ${t} (${files[i]?.size ?? 0} bytes)`);
  return many ? "files" : "single";
}

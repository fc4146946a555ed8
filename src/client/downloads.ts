/**
 * Reading version-2 pastes (src/protocol/stream-cipher.ts) as they download, for the CLI and the
 * page alike: a transport's push sink turned into the pull source openStream reads, and the
 * decrypted content cut back into the paste's files.
 */
import { concatBytes } from "../protocol/bytes.ts";
import { isStream, STREAM_HEADER_BYTES } from "../protocol/stream-cipher.ts";
import type { StreamFile } from "../protocol/stream-metadata.ts";

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

/**
 * Hands each piece of `content` (the files' bytes one after another, as openStream yields them) to
 * `write` with the index of the file it belongs to, in order; empty files get no piece. `start`: the
 * content begins that many bytes in (a resumed download).
 */
export async function splitFiles(
  files: readonly StreamFile[],
  content: AsyncIterable<Uint8Array>,
  write: (index: number, piece: Uint8Array) => Promise<void> | void,
  start = 0,
): Promise<void> {
  let index = 0;
  let left = files[0]?.size ?? 0;
  for (let skip = start; skip > 0; ) {
    if (skip < left) {
      left -= skip;
      break;
    }
    skip -= left;
    if (index >= files.length - 1) break;
    left = files[++index]?.size ?? 0;
  }
  for await (let plain of content) {
    while (plain.length > 0) {
      while (left === 0 && index < files.length - 1) left = files[++index]?.size ?? 0;
      const piece = plain.subarray(0, left);
      plain = plain.subarray(piece.length);
      left -= piece.length;
      await write(index, piece);
    }
  }
}

/**
 * A transport sink that tells the versions apart by a paste's first bytes (isStream): a version-2
 * stream goes on, from its first byte, to the Pushed source `onStream` is given (called once, when
 * the magic is seen); anything else is held whole for a version-1 opening (`held()`).
 */
export class VersionSink {
  private readonly chunks: Uint8Array[] = [];
  private heldBytes = 0;
  private mode: "undecided" | "v1" | "v2" = "undecided";
  readonly pushed = new Pushed();
  private readonly onStream: (source: Pushed) => void;

  constructor(onStream: (source: Pushed) => void) {
    this.onStream = onStream;
  }

  get isStream(): boolean {
    return this.mode === "v2";
  }

  readonly sink = (chunk: Uint8Array): Promise<void> | undefined => {
    if (this.mode === "v2") return this.pushed.push(chunk);
    this.chunks.push(chunk.slice());
    this.heldBytes += chunk.length;
    if (this.mode === "undecided" && this.heldBytes >= STREAM_HEADER_BYTES) {
      const head = this.held();
      if (!isStream(head)) {
        this.mode = "v1";
        return undefined;
      }
      this.mode = "v2";
      this.chunks.length = 0;
      this.onStream(this.pushed);
      return this.pushed.push(head);
    }
    return undefined;
  };

  /** The bytes held (a version-1 paste, or one shorter than a stream's header). */
  held(): Uint8Array {
    return concatBytes(...this.chunks);
  }
}

import { isUtf8 } from "node:buffer";
import { createHash, type Hash } from "node:crypto";
import { Readable } from "node:stream";
import { randomHexId } from "../../shared/ids.ts";
import { chunkRead, chunkStored } from "../../shared/memory.ts";
import type { ChunkedContent, Store, StoredContent } from "../../store/store.ts";
import { BodyTooLarge, pasteErrors } from "./pastes.errors.ts";

/** Contents up to this size stay in the paste row: one read serves them. */
export const INLINE_MAX = 1024 * 1024;
/** Larger contents are stored, and streamed, in chunks of this size. */
export const CHUNK_SIZE = 1024 * 1024;
/** An upload's chunks belong to no paste until it is stored; abandoned ones are reaped after this. */
export const UPLOAD_GRACE_SECONDS = 24 * 3600;
/** A burned chunked paste stays readable this long for the one download that claimed it. */
export const BURN_STREAM_GRACE_SECONDS = 3600;

/** Incremental UTF-8 validation: a sequence split across two chunks is carried over. */
class Utf8Check {
  valid = true;
  private carry: Buffer | undefined;

  push(chunk: Buffer): void {
    if (!this.valid) return;
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const end = completeLength(data);
    this.carry = end < data.length ? Buffer.from(data.subarray(end)) : undefined;
    if (!isUtf8(data.subarray(0, end))) this.valid = false;
  }

  finish(): boolean {
    if (this.carry) this.valid = false;
    return this.valid;
  }
}

/** The length of `data` without a trailing, not yet complete multi-byte sequence. */
function completeLength(data: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, data.length); back++) {
    const byte = data[data.length - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? data.length - back : data.length;
  }
  return data.length;
}

/** What the checks need to know about a content, gathered as it streamed past. */
export interface ReceivedContent {
  readonly size: number;
  readonly stored: StoredContent;
  /** The first bytes (up to one chunk): enough for magic-number detection. */
  readonly head: Uint8Array;
  readonly validUtf8: boolean;
  readonly sha256: string;
  /** Byte frequencies, when counted (the entropy rule needs them). */
  readonly byteCounts: Uint32Array | undefined;
}

/** Size, SHA-256, UTF-8 validity and byte counts of a content, gathered as its pieces pass by. */
class ContentStats {
  size = 0;
  private readonly hash: Hash = createHash("sha256");
  private readonly utf8 = new Utf8Check();
  private readonly counts: Uint32Array | undefined;

  constructor(countBytes: boolean) {
    this.counts = countBytes ? new Uint32Array(256) : undefined;
  }

  push(chunk: Buffer): void {
    this.size += chunk.length;
    this.hash.update(chunk);
    this.utf8.push(chunk);
    const counts = this.counts;
    if (counts) {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i] as number;
        counts[b] = (counts[b] as number) + 1;
      }
    }
  }

  finish(stored: StoredContent, head: Uint8Array): ReceivedContent {
    return {
      size: this.size,
      stored,
      head,
      validUtf8: this.utf8.finish(),
      sha256: this.hash.digest("hex"),
      byteCounts: this.counts,
    };
  }
}

/**
 * Receives a paste's content as it streams in, checking its size as it goes and keeping at most one
 * chunk in memory: small contents end up inline, larger ones in the store's chunks. Hash, UTF-8
 * validity and byte counts are computed on the way, so nothing needs the whole content at once.
 */
export class ContentIntake {
  private pending: Buffer[] = [];
  private staging: Buffer | undefined;
  private staged = 0;
  private blobId: string | undefined;
  private seq = 0;
  private head: Uint8Array | undefined;
  private readonly stats: ContentStats;
  private readonly store: Pick<Store, "pastes">;
  private readonly limit: number;
  private readonly now: number;

  constructor(store: Pick<Store, "pastes">, limit: number, now: number, options: { countBytes: boolean }) {
    this.store = store;
    this.limit = limit;
    this.now = now;
    this.stats = new ContentStats(options.countBytes);
  }

  /** Takes the next piece; a returned promise means "wait for it before pushing more". */
  push(chunk: Buffer): Promise<void> | undefined {
    if (chunk.length === 0) return undefined;
    if (this.stats.size + chunk.length > this.limit) throw new BodyTooLarge(this.stats.size + chunk.length);
    this.stats.push(chunk);
    if (this.staging === undefined) {
      // Small so far: keep the pieces as they came (a small paste is usually one piece, no copy).
      this.pending.push(chunk);
      if (this.stats.size <= INLINE_MAX) return undefined;
      // Too large for the row: from now on, pieces are copied into one reused chunk buffer.
      this.staging = Buffer.allocUnsafeSlow(CHUNK_SIZE);
      const pieces = this.pending;
      this.pending = [];
      return this.fill(pieces);
    }
    return this.fill([chunk]);
  }

  /** Copies pieces into the chunk buffer, writing each chunk to the store as it fills. */
  private async fill(pieces: Buffer[]): Promise<void> {
    const staging = this.staging as Buffer;
    for (let piece of pieces) {
      while (piece.length > 0) {
        const n = piece.copy(staging, this.staged);
        this.staged += n;
        piece = piece.subarray(n);
        if (this.staged === CHUNK_SIZE) await this.writeStaged();
      }
    }
  }

  private async writeStaged(): Promise<void> {
    if (this.blobId === undefined) {
      this.blobId = randomHexId(32);
      await this.store.pastes.openBlob(this.blobId, this.now + UPLOAD_GRACE_SECONDS);
    }
    const chunk = (this.staging as Buffer).subarray(0, this.staged);
    this.head ??= Buffer.from(chunk);
    await this.store.pastes.writeChunk(this.blobId, this.seq++, chunk);
    chunkStored(chunk.length);
    this.staged = 0;
  }

  async finish(): Promise<ReceivedContent> {
    let stored: StoredContent;
    if (this.staging === undefined) {
      stored = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
      this.pending = [];
      this.head = stored;
    } else {
      if (this.staged > 0) await this.writeStaged();
      this.staging = undefined;
      stored = { blobId: this.blobId as string };
    }
    return this.stats.finish(stored, this.head ?? new Uint8Array(0));
  }

  /** Gives up: deletes whatever chunks were written. */
  async discard(): Promise<void> {
    this.pending = [];
    this.staging = undefined;
    if (this.blobId !== undefined) await this.store.pastes.dropBlob(this.blobId).catch(() => undefined);
  }
}

/**
 * What a content already stored as `chunks` chunks of `blobId` is, read back chunk by chunk (a
 * resumable upload's, whose pieces came over many requests and processes): the same facts as an
 * intake gathers, so that the same checks decide. Throws when a chunk is missing or the sizes differ.
 */
export async function scanChunks(
  store: Pick<Store, "pastes">,
  blobId: string,
  chunks: number,
  size: number,
  options: { countBytes: boolean },
): Promise<ReceivedContent> {
  const stats = new ContentStats(options.countBytes);
  let head: Uint8Array | undefined;
  for (let seq = 0; seq < chunks; seq++) {
    const chunk = await store.pastes.readChunk(blobId, seq);
    if (chunk === undefined) throw new Error(`chunk ${seq} of an upload is missing`);
    head ??= chunk.length > CHUNK_SIZE ? chunk.subarray(0, CHUNK_SIZE) : chunk;
    stats.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    chunkRead(chunk.length);
  }
  if (stats.size !== size) throw new Error(`an upload's chunks hold ${stats.size} bytes, not ${size}`);
  return stats.finish({ blobId }, head ?? new Uint8Array(0));
}

/**
 * Feeds a stream into an intake with backpressure (the stream pauses while a chunk is written).
 * On failure the stream is paused, not destroyed, so that the error response still goes out.
 */
export function pump(stream: Readable, intake: ContentIntake): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed = false;
    let ended = false;
    let writing = 0;
    const cleanup = () => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.off("aborted", onError);
    };
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      cleanup();
      stream.pause();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      let wait: Promise<void> | undefined;
      try {
        wait = intake.push(chunk);
      } catch (err) {
        fail(err);
        return;
      }
      if (!wait) return;
      writing++;
      stream.pause();
      wait.then(() => {
        writing--;
        if (failed) return;
        if (ended) resolve();
        else stream.resume();
      }, fail);
    };
    const onEnd = () => {
      ended = true;
      cleanup();
      if (writing === 0 && !failed) resolve();
    };
    const onError = () => fail(pasteErrors.incompleteBody());
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
    stream.on("aborted", onError);
  });
}

/**
 * A content as a byte stream for the response: inline bytes at once, chunks read one at a time
 * as the client takes them. `onEnd` runs however the stream ends (a burned paste's chunks go then).
 */
export function contentStream(
  store: Pick<Store, "pastes">,
  content: ChunkedContent,
  size: number,
  onEnd?: () => Promise<void>,
): Readable {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      let sent = 0;
      for (let seq = 0; sent < size; seq++) {
        const chunk = await store.pastes.readChunk(content.blobId, seq);
        // Deleted while being read: end short, so that the client sees an incomplete body.
        if (chunk === undefined) throw new Error("paste content removed while it was being sent");
        sent += chunk.length;
        chunkRead(chunk.length);
        yield chunk;
      }
    } finally {
      await onEnd?.();
    }
  }
  return Readable.from(chunks(), { objectMode: false, highWaterMark: 1 });
}

/** The bytes [start, end] of a chunked content, from the chunk that holds `start` on. */
export function contentRangeStream(
  store: Pick<Store, "pastes">,
  content: ChunkedContent,
  start: number,
  end: number,
): Readable {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const lengths = await store.pastes.chunkLengths(content.blobId);
    let at = 0;
    for (let seq = 0; seq < lengths.length && at <= end; seq++) {
      const length = lengths[seq] as number;
      const chunkEnd = at + length - 1;
      if (chunkEnd >= start) {
        const chunk = await store.pastes.readChunk(content.blobId, seq);
        if (chunk === undefined) throw new Error("paste content removed while it was being sent");
        const piece = chunk.subarray(Math.max(0, start - at), Math.min(length, end - at + 1));
        chunkRead(piece.length);
        yield piece;
      }
      at += length;
    }
    if (at <= end) throw new Error("paste content shorter than its size");
  }
  return Readable.from(chunks(), { objectMode: false, highWaterMark: 1 });
}

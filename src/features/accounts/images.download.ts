import type { ServerResponse } from "node:http";
import type { ImagePart } from "../../store/store.types.ts";

/**
 * download-all's body, `[{"img_name", "img_content", "quotient"}, …]`, byte for byte what
 * JSON.stringify writes for imageView's objects (img_content: the bytes as an ISO-8859-1 string),
 * written as the store yields the images' parts.
 *
 * Memory stays flat however large or many the images: the JSON is encoded a few KiB at a time
 * into two buffers used in turn, one filling while the other is written, and a buffer is filled
 * again only once the socket has taken it (its write callback). So the client's pace sets the
 * reading pace (backpressure), at most two buffers are in flight, and what each step leaves
 * behind is a few short-lived strings, not buffers for the collector to catch up with.
 *
 * A client that takes nothing (a stalled download) would hold the server's attention (a response,
 * its buffers, a place in the reading) for as long as it likes, though no connection or snapshot of
 * the database (each piece is a statement of its own): when no buffer has been taken for `stallMs`
 * while one waits, the answer ends (cut short) and the reading with it. So a client must take at least a buffer (256 KiB) in that time, as with nginx's
 * send_timeout between two writes.
 */

const BUFFER_BYTES = 256 * 1024;
/** The most a step appends: a character of text takes up to 6 bytes escaped (\u001f), 3 in UTF-8. */
const TEXT_STEP = 8 * 1024;
const STEP_MAX = 6 * TEXT_STEP;

/** Thrown when the client goes away mid-download: the reading stops. */
export class ClientGone extends Error {
  constructor(message = "the client closed the connection during download-all") {
    super(message);
  }
}

/** The client took none of the answer for the stall bound: the server ended it. */
export class ClientStalled extends ClientGone {
  constructor(stallMs: number) {
    super(`the client took none of download-all's answer for ${stallMs / 1000} s`);
  }
}

class JsonWriter {
  private readonly buffers = [Buffer.allocUnsafe(BUFFER_BYTES), Buffer.allocUnsafe(BUFFER_BYTES)];
  /** Each buffer's write, until the socket has taken it. */
  private readonly inFlight: (Promise<void> | undefined)[] = [undefined, undefined];
  private current = 0;
  private filled = 0;
  private readonly gone: Promise<never>;
  private readonly res: ServerResponse;
  /** Writes the socket has not taken yet, and the stall timer that runs while there are any. */
  private pending = 0;
  private stall: NodeJS.Timeout | undefined;
  private stalled = false;
  private readonly stallMs: number;

  constructor(res: ServerResponse, stallMs: number) {
    this.res = res;
    this.stallMs = stallMs;
    this.gone = new Promise<never>((_, reject) => {
      res.once("close", () => {
        this.stopStallTimer();
        reject(this.goneError());
      });
    });
    this.gone.catch(() => undefined);
  }

  private goneError(): ClientGone {
    return this.stalled ? new ClientStalled(this.stallMs) : new ClientGone();
  }

  private stopStallTimer(): void {
    clearTimeout(this.stall);
    this.stall = undefined;
  }

  /** Another buffer handed to the socket: the timer runs from the oldest progress still awaited. */
  private writing(): void {
    if (this.pending++ > 0) return;
    this.stall = setTimeout(() => {
      this.stalled = true;
      this.res.destroy();
    }, this.stallMs);
  }

  /** The socket took a buffer: that is progress. */
  private written(): void {
    if (--this.pending > 0) this.stall?.refresh();
    else this.stopStallTimer();
  }

  private get buffer(): Buffer {
    return this.buffers[this.current] as Buffer;
  }

  /** Hands the filled buffer to the socket and, once the other one is free again, fills that. */
  private async flush(): Promise<void> {
    if (this.filled === 0) return;
    const index = this.current;
    const chunk = this.buffer.subarray(0, this.filled);
    this.writing();
    const written = new Promise<void>((resolve, reject) => {
      this.res.write(chunk, (err) => {
        this.written();
        if (err) reject(this.goneError());
        else resolve();
      });
    });
    // Handled even when nobody waits for it any more (the client went away first).
    written.catch(() => undefined);
    this.inFlight[index] = written;
    this.current = 1 - index;
    this.filled = 0;
    const other = this.inFlight[this.current];
    if (other) await Promise.race([other, this.gone]);
    this.inFlight[this.current] = undefined;
  }

  private async room(bytes: number): Promise<void> {
    if (this.filled + bytes > BUFFER_BYTES) await this.flush();
  }

  /** Text as the inside of its JSON string (the quotes are the caller's). */
  async text(text: string): Promise<void> {
    for (let start = 0; start < text.length; ) {
      let end = Math.min(start + TEXT_STEP, text.length);
      // Never between the two halves of a surrogate pair: JSON.stringify would escape each.
      const last = text.charCodeAt(end - 1);
      if (end < text.length && last >= 0xd800 && last < 0xdc00) end--;
      await this.room(STEP_MAX);
      this.filled += this.buffer.write(JSON.stringify(text.slice(start, end)).slice(1, -1), this.filled);
      start = end;
    }
  }

  /** JSON written as it is (punctuation, keys, a name already encoded): a few bytes. */
  async raw(json: string): Promise<void> {
    await this.room(Buffer.byteLength(json));
    this.filled += this.buffer.write(json, this.filled);
  }

  /** Bytes as the inside of their JSON ISO-8859-1 string (see imageView). */
  async latin1(bytes: Uint8Array): Promise<void> {
    const all = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let start = 0; start < all.length; start += TEXT_STEP) {
      await this.text(all.toString("latin1", start, Math.min(start + TEXT_STEP, all.length)));
    }
  }

  /** Writes what is left and waits until the socket has taken all of it. */
  async end(): Promise<void> {
    await this.flush();
    await Promise.race([Promise.all(this.inFlight), this.gone]);
  }
}

/**
 * Writes the JSON of the parts — `first`, then the rest of `parts` — to `res` (its headers sent);
 * resolves once all of it is written, rejects with ClientGone when the client leaves first (or
 * ClientStalled when it took nothing for `stallMs`: the response is destroyed), or with the store's
 * error. Either way the store's reading ends (`parts.return`).
 */
export async function writeDownloadAll(
  res: ServerResponse,
  first: IteratorResult<ImagePart, void>,
  parts: AsyncGenerator<ImagePart, void, undefined>,
  stallMs: number,
): Promise<void> {
  const json = new JsonWriter(res, stallMs);
  // The string of the current image still open: its content, then its quotient.
  let open: "content" | "quotient" | undefined;
  const close = () => json.raw(open === "content" ? '","quotient":""}' : '"}');
  let images = 0;
  try {
    await json.raw("[");
    for (let next = first; !next.done; next = await parts.next()) {
      const part = next.value;
      if (part.kind === "image") {
        if (open) await close();
        await json.raw(
          `${images++ > 0 ? "," : ""}{"img_name":${JSON.stringify(part.image.name)},"img_content":"`,
        );
        open = "content";
      } else if (part.kind === "content") {
        await json.latin1(part.bytes);
      } else {
        if (open === "content") await json.raw('","quotient":"');
        open = "quotient";
        await json.text(part.text);
      }
    }
    if (open) await close();
    await json.raw("]");
    await json.end();
  } finally {
    await parts.return(undefined);
  }
}

import { StringDecoder } from "node:string_decoder";
import { ImageChanged, type ImageMeta, type ImagePart, type ImageRecord } from "../store.types.ts";
import type { Driver, Query } from "./driver.ts";
import { IMAGE_COLUMNS, type Row, toImage } from "./rows.ts";

/**
 * An image's bytes and its quotient (as UTF-8) are stored in chunks of this size (image_chunks), as
 * large pastes are: a read, whether of one image or of download-all's pieces, then holds a chunk,
 * never an image. (node:sqlite cannot read part of a stored value: a piece of a 50 MiB column cost
 * SQLite the whole 50 MiB; PostgreSQL decompressed a compressed column from its start for each piece.)
 */
export const IMAGE_CHUNK = 1024 * 1024;

/** The two parts of an image stored in chunks, in the order download-all writes them. */
export type ImageChunkPart = "content" | "quotient";

/** An image's chunks as they are written: views of `content` and of the quotient's UTF-8, in order. */
export function* imageChunks(
  content: Uint8Array,
  quotient: string,
): Generator<{ part: ImageChunkPart; seq: number; data: Uint8Array }> {
  const parts: [ImageChunkPart, Uint8Array][] = [
    ["content", content],
    ["quotient", Buffer.from(quotient, "utf8")],
  ];
  for (const [part, bytes] of parts) {
    for (let seq = 0; seq * IMAGE_CHUNK < bytes.length; seq++) {
      yield { part, seq, data: bytes.subarray(seq * IMAGE_CHUNK, (seq + 1) * IMAGE_CHUNK) };
    }
  }
}

/**
 * An image put back together from its metadata row and its chunks (given in part and seq order):
 * the bytes copied into one buffer of the listed size as the chunks come, so that the reading holds
 * the image and one chunk, not every chunk and then their concatenation.
 */
export class ImageAssembly {
  private readonly meta: ImageMeta;
  private content: Buffer;
  private filled = 0;
  private readonly quotient: Buffer[] = [];

  constructor(row: Row) {
    this.meta = toImage(row);
    this.content = Buffer.allocUnsafe(this.meta.size);
  }

  add(part: ImageChunkPart, data: Uint8Array): void {
    if (part === "quotient") {
      this.quotient.push(Buffer.from(data));
      return;
    }
    if (this.filled + data.length > this.content.length) {
      // A size that does not match its chunks (it cannot, written in one transaction): keep them all.
      const grown = Buffer.allocUnsafe(this.filled + data.length);
      this.content.copy(grown, 0, 0, this.filled);
      this.content = grown;
    }
    this.filled += Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(this.content, this.filled);
  }

  done(): ImageRecord {
    return {
      ...this.meta,
      content: this.content.subarray(0, this.filled),
      quotient: Buffer.concat(this.quotient).toString("utf8"),
    };
  }
}

/** The statements download-all reads with: pages of an owner's images, pieces of their chunks. */
export function prepareImageStream(db: Driver) {
  const order = db.dialect.insertionOrder;
  return {
    // Keyset paging: neither the listing nor its rows grow with the size of the collection.
    page: db.prepare(
      `SELECT ${IMAGE_COLUMNS}, created_at AS pos_a, ${order} AS pos_b FROM images
       WHERE owner_id = ? AND (created_at, ${order}) > (?, ?) ORDER BY created_at, ${order} LIMIT ?`,
    ),
    // The image row tells a missing image from a missing chunk (past the part's end), and gives the
    // version the piece was read from.
    piece: db.prepare(
      `SELECT ${db.dialect.pieceData("substr(c.data, CAST(? AS INTEGER), CAST(? AS INTEGER))")} AS data,
         length(c.data) AS chunk_bytes, i.version
       FROM images i LEFT JOIN image_chunks c ON c.image_id = i.id AND c.part = ? AND c.seq = CAST(? AS INTEGER)
       WHERE i.id = ?`,
    ),
  };
}

type StreamQueries = { readonly page: Query; readonly piece: Query };

/** The one buffer a download decodes base64 pieces into: a piece is used before the next is read. */
class Scratch {
  private buffer = Buffer.alloc(0);
  decode(base64: string): Uint8Array {
    // PostgreSQL breaks its base64 into lines, which the decoder skips: an upper bound.
    const length = Math.ceil(base64.length / 4) * 3;
    if (this.buffer.length < length) this.buffer = Buffer.allocUnsafe(length);
    return this.buffer.subarray(0, this.buffer.write(base64, 0, length, "base64"));
  }
}

interface ImagePiece {
  readonly data: Uint8Array | null;
  readonly chunkBytes: number;
  readonly version: number;
}

/**
 * Up to `length` bytes from `offset` (counted from 0) of chunk `seq` of the image's `part`, and that
 * chunk's length; `data` null past the part's last chunk; undefined when the image is gone.
 */
async function piece(
  q: StreamQueries,
  scratch: Scratch,
  at: { imageId: string; part: ImageChunkPart; seq: number; offset: number; length: number },
): Promise<ImagePiece | undefined> {
  const row = await q.piece.get(at.offset + 1, at.length, at.part, at.seq, at.imageId);
  if (!row) return undefined;
  const raw = row.data as Uint8Array | string | null;
  const data = typeof raw === "string" ? scratch.decode(raw) : raw;
  return { data, chunkBytes: data === null ? 0 : Number(row.chunk_bytes), version: Number(row.version) };
}

const IMAGE_PAGE = 100;

/**
 * streamImages: one image at a time, one piece at a time, each piece a statement of its own, so that
 * neither a connection nor a snapshot is held while a slow client takes its time. Every replacement
 * raises the image's version in the transaction that rewrites its chunks, so a replacement between
 * two pieces is seen (ImageChanged), never mixed in.
 */
export async function* streamImagePieces(
  q: StreamQueries,
  ownerId: string,
  pieceBytes: number,
): AsyncGenerator<ImagePart, void, undefined> {
  let after: readonly [unknown, unknown] = [-1, -1];
  const scratch = new Scratch();
  for (;;) {
    const rows = await q.page.all(ownerId, after[0], after[1], IMAGE_PAGE);
    for (const row of rows) yield* imagePieces(q, scratch, row, pieceBytes);
    const last = rows.at(-1);
    if (!last || rows.length < IMAGE_PAGE) return;
    after = [last.pos_a, last.pos_b];
  }
}

async function* imagePieces(
  q: StreamQueries,
  scratch: Scratch,
  row: Row,
  pieceBytes: number,
): AsyncGenerator<ImagePart, void, undefined> {
  const imageId = row.id as string;
  const head = await piece(q, scratch, { imageId, part: "content", seq: 0, offset: 0, length: pieceBytes });
  // Deleted since the page was read: left out, as if listed a moment later.
  if (!head) return;
  const first: ImagePiece = head;
  yield { kind: "image", image: toImage(row) };
  /** Chunk `seq` of `part` in pieces; none past the part's last chunk. */
  async function* chunk(part: ImageChunkPart, seq: number): AsyncGenerator<Uint8Array, void, undefined> {
    for (let offset = 0; ; ) {
      const next =
        part === "content" && seq === 0 && offset === 0
          ? first
          : await piece(q, scratch, { imageId, part, seq, offset, length: pieceBytes });
      if (!next || next.version !== first.version) throw new ImageChanged();
      if (next.data === null) {
        // A chunk that ends within its length, or goes between two of its pieces: another version.
        if (offset > 0) throw new ImageChanged();
        return;
      }
      if (next.data.length === 0) throw new ImageChanged();
      yield next.data;
      offset += next.data.length;
      if (offset >= next.chunkBytes) return;
    }
  }
  // The chunks as they are, until the first missing one: the listed size may predate a replacement.
  for (const part of ["content", "quotient"] as const) {
    // The quotient's UTF-8, cut anywhere, is handed on in whole characters.
    const text = part === "quotient" ? new StringDecoder("utf8") : undefined;
    for (let seq = 0, more = true; more; seq++) {
      more = false;
      for await (const bytes of chunk(part, seq)) {
        more = true;
        if (!text) yield { kind: "content", bytes };
        else {
          const chars = text.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
          if (chars.length > 0) yield { kind: "quotient", text: chars };
        }
      }
    }
    const rest = text?.end();
    if (rest) yield { kind: "quotient", text: rest };
  }
}

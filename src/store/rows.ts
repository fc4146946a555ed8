/**
 * Row ↔ record mapping shared by the SQLite and PostgreSQL stores: both keep the same columns
 * (flags as 0/1 integers, times as Unix seconds), so one mapping serves both.
 */
import { StringDecoder } from "node:string_decoder";
import {
  type CaRecord,
  type CertificateRecord,
  ImageChanged,
  type ImageMeta,
  type ImagePart,
  type ImagePermission,
  type ImageRecord,
  type ImageRole,
  type PasteMeta,
  type ShortUrlRecord,
  type StoredContent,
  type UserRecord,
} from "./store.types.ts";

export type Row = Record<string, unknown>;

// Columns in table order: content comes last, so a metadata read never touches its overflow pages.
export const META_COLUMNS =
  "id, owner, mime_type, size, created_at, expires_at, idle_ttl, burn_after_read, password_hash";

export function toMeta(row: Row): PasteMeta {
  return {
    id: row.id as string,
    owner: (row.owner as string | null) ?? null,
    mimeType: row.mime_type as string,
    size: Number(row.size),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    idleTtl: row.idle_ttl === null ? null : Number(row.idle_ttl),
    burnAfterRead: Number(row.burn_after_read) === 1,
    passwordHash: (row.password_hash as string | null) ?? null,
  };
}

/** Chunked content leaves the row's own content column empty. */
export const EMPTY = new Uint8Array(0);

/** A row's content: its bytes, or a reference to its chunks (`content`, `blob_id` selected). */
export function contentOf(row: Row): StoredContent {
  return row.blob_id ? { blobId: row.blob_id as string } : (row.content as Uint8Array);
}

export const CERT_COLUMNS =
  "serial, common_name, fingerprint, created_at, expires_at, issued_to, status, revoked_at, is_admin";

export function toCertificate(row: Row): CertificateRecord {
  return {
    serial: row.serial as string,
    commonName: row.common_name as string,
    fingerprint: row.fingerprint as string,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    issuedTo: (row.issued_to as string | null) ?? null,
    status: row.status === "revoked" ? "revoked" : "valid",
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    isAdmin: Number(row.is_admin) === 1,
  };
}

export function toCa(row: Row): CaRecord {
  return {
    commonName: row.common_name as string,
    certificatePem: row.certificate_pem as string,
    encryptedKey: row.encrypted_key as string,
    fingerprint: row.fingerprint as string,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}

export const USER_COLUMNS = "id, username, password_hash, public_key, created_at";
export const IMAGE_COLUMNS = "id, owner_id, name, stem, mime_type, size, created_at";

export function toUser(row: Row): UserRecord {
  return {
    id: row.id as string,
    username: row.username as string,
    passwordHash: row.password_hash as string,
    publicKey: row.public_key as string,
    createdAt: Number(row.created_at),
  };
}

export function toImage(row: Row): ImageMeta {
  return {
    id: row.id as string,
    ownerId: row.owner_id as string,
    name: row.name as string,
    stem: row.stem as string,
    mimeType: row.mime_type as string,
    size: Number(row.size),
    createdAt: Number(row.created_at),
  };
}

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

/**
 * What a backend provides for streamImages: pages of an owner's images and pieces of their chunks. A
 * piece comes with the version of the image it was read from (PostgreSQL's xmin), or a constant where
 * the backend reads each image in a snapshot of its own (SQLite).
 */
export interface ImagePieceSource {
  /** Up to `limit` images after the position `after` (the last row's `pos_a`, `pos_b`), oldest first. */
  page(ownerId: string, after: readonly [unknown, unknown], limit: number): Promise<Row[]>;
  /** Pins one image's version until `end` (a snapshot), where the backend has no version to compare. */
  begin(): Promise<void>;
  end(): Promise<void>;
  /**
   * Up to `length` bytes from `offset` (counted from 0) of chunk `seq` of the image's `part`, and
   * that chunk's length; `data` null past the part's last chunk; undefined when the image is gone.
   */
  piece(
    imageId: string,
    part: ImageChunkPart,
    seq: number,
    offset: number,
    length: number,
  ): Promise<ImagePiece | undefined>;
  close(): Promise<void>;
}

export interface ImagePiece {
  readonly data: Uint8Array | null;
  readonly chunkBytes: number;
  readonly version: string;
}

/** A piece row as both backends select it (`data`, `chunk_bytes`, and `version` where there is one). */
export function toImagePiece(row: Row | undefined): ImagePiece | undefined {
  if (!row) return undefined;
  const data = (row.data as Uint8Array | null) ?? null;
  return {
    data,
    chunkBytes: data === null ? 0 : Number(row.chunk_bytes),
    version: String(row.version ?? ""),
  };
}

const IMAGE_PAGE = 100;

/** streamImages over a backend's pages and pieces: one image at a time, one piece at a time. */
export async function* streamImagePieces(
  source: ImagePieceSource,
  ownerId: string,
  pieceBytes: number,
): AsyncGenerator<ImagePart, void, undefined> {
  try {
    // Keyset paging: neither the listing nor its rows grow with the size of the collection.
    let after: readonly [unknown, unknown] = [-1, -1];
    for (;;) {
      const rows = await source.page(ownerId, after, IMAGE_PAGE);
      for (const row of rows) {
        await source.begin();
        try {
          yield* imagePieces(source, row, pieceBytes);
        } finally {
          await source.end();
        }
      }
      const last = rows.at(-1);
      if (!last || rows.length < IMAGE_PAGE) return;
      after = [last.pos_a, last.pos_b];
    }
  } finally {
    await source.close();
  }
}

async function* imagePieces(
  source: ImagePieceSource,
  row: Row,
  pieceBytes: number,
): AsyncGenerator<ImagePart, void, undefined> {
  const id = row.id as string;
  const head = await source.piece(id, "content", 0, 0, pieceBytes);
  // Deleted since the page was read: left out, as if listed a moment later.
  if (!head) return;
  const first: ImagePiece = head;
  yield { kind: "image", image: toImage(row) };
  /** Chunk `seq` of `part` in pieces; none past the part's last chunk. */
  async function* chunk(part: ImageChunkPart, seq: number): AsyncGenerator<Uint8Array, void, undefined> {
    for (let offset = 0; ; ) {
      const piece =
        part === "content" && seq === 0 && offset === 0
          ? first
          : await source.piece(id, part, seq, offset, pieceBytes);
      if (!piece || piece.version !== first.version) throw new ImageChanged();
      if (piece.data === null) {
        // A chunk that ends within its length, or goes between two of its pieces: another version.
        if (offset > 0) throw new ImageChanged();
        return;
      }
      if (piece.data.length === 0) throw new ImageChanged();
      yield piece.data;
      offset += piece.data.length;
      if (offset >= piece.chunkBytes) return;
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

export const toPermission = (row: Row): ImagePermission => ({
  userId: row.user_id as string,
  role: row.role as ImageRole,
});

export const SHORT_COLUMNS = "id, target, owner, created_at, expires_at, clicks";

export function toShortUrl(row: Row): ShortUrlRecord {
  return {
    id: row.id as string,
    target: row.target as string,
    owner: (row.owner as string | null) ?? null,
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    clicks: Number(row.clicks),
  };
}

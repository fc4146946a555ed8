/**
 * Row ↔ record mapping shared by the SQLite and PostgreSQL stores: both keep the same columns
 * (flags as 0/1 integers, times as Unix seconds), so one mapping serves both.
 */
import {
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

export function toImage(row: Row): ImageMeta & Partial<ImageRecord> {
  return {
    id: row.id as string,
    ownerId: row.owner_id as string,
    name: row.name as string,
    stem: row.stem as string,
    mimeType: row.mime_type as string,
    size: Number(row.size),
    createdAt: Number(row.created_at),
    ...(row.content !== undefined && {
      content: row.content as Uint8Array,
      quotient: row.quotient as string,
    }),
  };
}

/**
 * What a backend provides for streamImages: pages of an owner's images and pieces of one image (its
 * content's bytes, its quotient's text). A piece comes with the version it was read from
 * (PostgreSQL's xmin), or a constant where the backend reads each image in a snapshot of its own
 * (SQLite); undefined when the image is gone.
 */
export interface ImagePieceSource {
  /** Up to `limit` images after the position `after` (the last row's `pos_a`, `pos_b`), oldest first. */
  page(ownerId: string, after: readonly [unknown, unknown], limit: number): Promise<Row[]>;
  /** Pins one image's version until `end` (a snapshot), where the backend has no version to compare. */
  begin(): Promise<void>;
  end(): Promise<void>;
  piece(
    imageId: string,
    column: "content" | "quotient",
    offset: number,
    length: number,
  ): Promise<{ data: unknown; version: string } | undefined>;
  close(): Promise<void>;
}

const IMAGE_PAGE = 100;
/** Quotient pieces in characters: a quarter of a content piece, as a character takes up to 4 bytes. */
const quotientPiece = (pieceBytes: number) => Math.max(1, Math.floor(pieceBytes / 4));

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
  const first = await source.piece(id, "content", 1, pieceBytes);
  // Deleted since the page was read: left out, as if listed a moment later.
  if (!first) return;
  const image = toImage(row);
  yield { kind: "image", image };
  const next = async (column: "content" | "quotient", offset: number, length: number) => {
    const piece = await source.piece(id, column, offset, length);
    if (!piece || piece.version !== first.version) throw new ImageChanged();
    return piece.data;
  };
  // Until a short piece: the listed size may predate a replacement.
  let bytes = first.data as Uint8Array;
  for (let offset = 1; ; ) {
    if (bytes.length > 0) yield { kind: "content", bytes };
    if (bytes.length < pieceBytes) break;
    offset += bytes.length;
    bytes = (await next("content", offset, pieceBytes)) as Uint8Array;
  }
  const chars = quotientPiece(pieceBytes);
  for (let offset = 1; ; ) {
    const text = (await next("quotient", offset, chars)) as string;
    if (text.length > 0) yield { kind: "quotient", text };
    if (codePoints(text) < chars) break;
    offset += chars;
  }
}

/** SQL substr counts characters (code points), where JavaScript counts UTF-16 units. */
function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit < 0xdc00) n--;
  }
  return n;
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

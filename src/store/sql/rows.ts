/**
 * Row ↔ record mapping shared by the SQLite and PostgreSQL stores: both keep the same columns
 * (flags as 0/1 integers, times as Unix seconds), so one mapping serves both.
 */
import type {
  CaRecord,
  CertificateRecord,
  ImageMeta,
  ImagePermission,
  ImageRole,
  Page,
  PasteMeta,
  ShortUrlRecord,
  StoredContent,
  UserRecord,
} from "../store.types.ts";
import type { Driver, Query } from "./driver.ts";

export type Row = Record<string, unknown>;

// Columns in table order (those added after content, quarantined_at on, follow it in the row).
export const META_COLUMNS =
  "id, owner, mime_type, size, created_at, expires_at, idle_ttl, burn_after_read, password_hash, quarantined_at, max_views, views_left";

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
    quarantinedAt: nullableNumber(row.quarantined_at),
    maxViews: nullableNumber(row.max_views),
    viewsLeft: nullableNumber(row.views_left),
  };
}

const nullableNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

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

export const toPermission = (row: Row): ImagePermission => ({
  userId: row.user_id as string,
  role: row.role as ImageRole,
});

export const SHORT_COLUMNS = "id, target, owner, created_at, expires_at, clicks, quarantined_at";

export function toShortUrl(row: Row): ShortUrlRecord {
  return {
    id: row.id as string,
    target: row.target as string,
    owner: (row.owner as string | null) ?? null,
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    clicks: Number(row.clicks),
    quarantinedAt: nullableNumber(row.quarantined_at),
  };
}

/** An owner's listing (a page of the live rows, their total) and everyone's, for admins. */
export interface PageQueries {
  readonly list: Query;
  readonly count: Query;
  readonly listAll: Query;
  readonly countAll: Query;
}

/**
 * The listing of `table`'s live rows (`live`: a condition on `now`) of an owner, or everyone's: two
 * statements each, so that an owner's uses the (owner, created_at) index rather than every live row.
 */
export function preparePage(db: Driver, table: string, columns: string, live: string): PageQueries {
  const order = "ORDER BY created_at DESC, id LIMIT ? OFFSET ?";
  return {
    list: db.prepare(`SELECT ${columns} FROM ${table} WHERE owner = ? AND ${live} ${order}`),
    count: db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE owner = ? AND ${live}`),
    listAll: db.prepare(`SELECT ${columns} FROM ${table} WHERE ${live} ${order}`),
    countAll: db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${live}`),
  };
}

/** One page of the live rows of an owner (null: everyone's) and their total. */
export async function ownedPage<T>(
  q: PageQueries,
  map: (row: Row) => T,
  page: {
    readonly owner: string | null;
    readonly now: number;
    readonly limit: number;
    readonly offset: number;
  },
): Promise<Page<T>> {
  const { owner, now, limit, offset } = page;
  if (owner === null) {
    const items = (await q.listAll.all(now, limit, offset)).map(map);
    return { items, total: Number((await q.countAll.get(now))?.n) };
  }
  const items = (await q.list.all(owner, now, limit, offset)).map(map);
  return { items, total: Number((await q.count.get(owner, now))?.n) };
}

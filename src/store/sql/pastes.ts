import {
  BlobGone,
  type ClaimedView,
  ContentBlocked,
  type ExpiredPaste,
  isChunked,
  type NewPaste,
  type Page,
  type PasteForRead,
  type PasteMeta,
  type PasteStore,
  type StoredContent,
} from "../store.types.ts";
import { type Driver, get, run } from "./driver.ts";
import { contentOf, EMPTY, META_COLUMNS, ownedPage, preparePage, type Row, toMeta } from "./rows.ts";

/** A paste a reader may be told about: live, or quarantined (kept for the admin, answered 451). */
const FOUND = "id = ? AND (expires_at > ? OR quarantined_at IS NOT NULL)";
/** A paste whose content may be served. */
const SERVED = "id = ? AND expires_at > ? AND quarantined_at IS NULL";
/** A paste whose views are not counted: only these are ever read without a claim. */
const UNLIMITED = "views_left IS NULL";

/** The statements of the pastes, prepared once. */
function prepare(db: Driver) {
  return {
    // Born quarantined when its hash is on the blocklist, in the statement that stores it: an upload
    // racing a new block is caught here or by the block's own quarantine (moderation.ts), never missed.
    insert: db.prepare(
      `INSERT INTO pastes (id, owner, mime_type, size, created_at, expires_at, idle_ttl, burn_after_read,
         password_hash, content, blob_id, sha256, source_hash, source_until, max_views, views_left,
         quarantined_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
         (SELECT created_at FROM blocklist WHERE sha256 = ?))
       ON CONFLICT (id) DO NOTHING RETURNING quarantined_at`,
    ),
    find: db.prepare(`SELECT ${META_COLUMNS} FROM pastes WHERE ${FOUND}`),
    // Content only for a paste that neither a password, a view limit nor quarantine guards: one
    // round trip.
    read: db.prepare(
      `SELECT ${META_COLUMNS}, CASE WHEN password_hash IS NULL AND ${UNLIMITED} AND quarantined_at IS NULL
         THEN content END AS content, blob_id FROM pastes WHERE ${FOUND}`,
    ),
    content: db.prepare(`SELECT content, blob_id FROM pastes WHERE ${SERVED} AND ${UNLIMITED}`),
    // One view, counted: the row lock this UPDATE takes makes a concurrent claimer wait, then test
    // views_left again on the row as it is then (PostgreSQL READ COMMITTED re-checks the WHERE of
    // an UPDATE on the new version), or find no row once the last view deleted it. SQLite: one
    // writer at a time (BEGIN IMMEDIATE).
    claim: db.prepare(
      `UPDATE pastes SET views_left = views_left - 1 WHERE ${SERVED} AND views_left > 0
       RETURNING content, blob_id, views_left`,
    ),
    dropSpent: db.prepare("DELETE FROM pastes WHERE id = ? AND views_left = 0"),
    touch: db.prepare(
      "UPDATE pastes SET expires_at = ? WHERE id = ? AND idle_ttl IS NOT NULL AND expires_at < ?",
    ),
    delete: db.prepare("DELETE FROM pastes WHERE id = ? RETURNING blob_id"),
    deleteExpired: db.prepare(
      "DELETE FROM pastes WHERE id IN (SELECT id FROM pastes WHERE expires_at <= ? AND quarantined_at IS NULL LIMIT ?) RETURNING id, owner",
    ),
    openBlob: db.prepare("INSERT INTO blobs (id, reap_after) VALUES (?, ?)"),
    claimBlob: db.prepare("UPDATE blobs SET reap_after = NULL WHERE id = ? AND reap_after IS NOT NULL"),
    graceBlob: db.prepare("UPDATE blobs SET reap_after = ? WHERE id = ?"),
    writeChunk: db.prepare("INSERT INTO blob_chunks (blob_id, seq, data) VALUES (?, ?, ?)"),
    readPiece: db.prepare(
      `SELECT ${db.dialect.pieceData("substr(data, CAST(? AS INTEGER), CAST(? AS INTEGER))")} AS data,
         length(data) AS chunk_bytes FROM blob_chunks WHERE blob_id = ? AND seq = ?`,
    ),
    dropBlob: db.prepare("DELETE FROM blobs WHERE id = ?"),
    // length() of a stored blob reads no content (SQLite's record header; PostgreSQL's TOAST pointer).
    chunkLengths: db.prepare("SELECT length(data) AS n FROM blob_chunks WHERE blob_id = ? ORDER BY seq"),
    reapBlobs: db.prepare(
      "DELETE FROM blobs WHERE id IN (SELECT id FROM blobs WHERE reap_after IS NOT NULL AND reap_after <= ? LIMIT ?)",
    ),
    list: preparePage(db, "pastes", META_COLUMNS, "expires_at > ?"),
  };
}

/** Pastes, their chunked blobs and the owner listings. */
export class SqlPastes implements PasteStore {
  private readonly db: Driver;
  private readonly q: ReturnType<typeof prepare>;

  constructor(db: Driver) {
    this.db = db;
    this.q = prepare(db);
  }

  async insertPaste(p: NewPaste): Promise<boolean> {
    const chunked = isChunked(p.content) ? p.content : undefined;
    const views = p.maxViews ?? (p.burnAfterRead ? 1 : null);
    const row: unknown[] = [p.id, p.owner, p.mimeType, p.size, p.createdAt, p.expiresAt, p.idleTtl];
    // burn_after_read kept as "one view", for the rows and readers that know only it.
    row.push(views === 1 ? 1 : 0, p.passwordHash, chunked ? EMPTY : p.content, chunked?.blobId ?? null);
    const sha256 = p.sha256 ?? null;
    row.push(sha256, p.source?.hash ?? null, p.source?.until ?? null, views, views, sha256);
    const { insert, claimBlob, delete: remove } = this.q;
    if (!chunked) {
      const stored = await insert.get(...row);
      if (!stored) return false;
      if (stored.quarantined_at === null) return true;
      // Blocked: taken back at once (quarantined, no reader saw it in between).
      await remove.get(p.id);
      throw new ContentBlocked();
    }
    // The paste and the claim of its blob together: a blob reaped first, or blocked content, leaves
    // no paste behind.
    return this.db.transaction(function* () {
      const stored = yield* get(insert, ...row);
      if (!stored) return false;
      if (stored.quarantined_at !== null) throw new ContentBlocked();
      if ((yield* run(claimBlob, chunked.blobId)) !== 1) throw new BlobGone();
      return true;
    });
  }

  async findPaste(id: string, now: number): Promise<PasteMeta | undefined> {
    const row = await this.q.find.get(id, now);
    return row ? toMeta(row) : undefined;
  }

  async readPaste(id: string, now: number): Promise<PasteForRead | undefined> {
    const row = await this.q.read.get(id, now);
    if (!row) return undefined;
    return { ...toMeta(row), content: row.content === null ? undefined : contentOf(row) };
  }

  async readContent(id: string, now: number): Promise<StoredContent | undefined> {
    const row = await this.q.content.get(id, now);
    return row ? contentOf(row) : undefined;
  }

  claimView(id: string, now: number, graceUntil: number): Promise<ClaimedView | undefined> {
    const { claim, dropSpent, graceBlob } = this.q;
    return this.db.transaction(function* () {
      const row = yield* get(claim, id, now);
      if (!row) return undefined;
      const content = contentOf(row);
      const viewsLeft = Number(row.views_left);
      if (viewsLeft === 0) {
        // The last view: gone before the lock is released, so no later claimer sees it.
        yield* run(dropSpent, id);
        if (isChunked(content)) yield* run(graceBlob, graceUntil, content.blobId);
      }
      return { content, viewsLeft };
    });
  }

  async burnPaste(id: string, now: number, graceUntil: number): Promise<StoredContent | undefined> {
    return (await this.claimView(id, now, graceUntil))?.content;
  }

  async touchPaste(id: string, expiresAt: number): Promise<void> {
    await this.q.touch.run(expiresAt, id, expiresAt);
  }

  deletePaste(id: string): Promise<boolean> {
    const { delete: remove, dropBlob } = this.q;
    return this.db.transaction(function* () {
      const row: Row | undefined = yield* get(remove, id);
      if (row?.blob_id) yield* run(dropBlob, row.blob_id);
      return row !== undefined;
    });
  }

  async deleteExpiredPastes(now: number, limit: number): Promise<readonly ExpiredPaste[]> {
    const rows = await this.q.deleteExpired.all(now, limit);
    return rows.map((r) => ({ id: String(r.id), owner: r.owner === null ? null : String(r.owner) }));
  }

  async openBlob(blobId: string, reapAfter: number): Promise<void> {
    await this.q.openBlob.run(blobId, reapAfter);
  }

  async writeChunk(blobId: string, seq: number, data: Uint8Array): Promise<void> {
    await this.q.writeChunk.run(blobId, seq, data);
  }

  /** The chunk read in the driver's pieces (SQLite: one, the chunk), put together in one buffer. */
  async readChunk(blobId: string, seq: number): Promise<Uint8Array | undefined> {
    const pieceBytes = this.db.dialect.pieceBytes;
    const first = await this.q.readPiece.get(1, pieceBytes, blobId, seq);
    if (!first) return undefined;
    const total = Number(first.chunk_bytes);
    if (first.data instanceof Uint8Array && first.data.length === total) return first.data;
    const chunk = Buffer.allocUnsafe(total);
    let filled = putPiece(chunk, 0, first.data);
    while (filled < total) {
      const row = await this.q.readPiece.get(filled + 1, pieceBytes, blobId, seq);
      // Deleted since its first piece: gone, as if read a moment later.
      if (!row) return undefined;
      filled += putPiece(chunk, filled, row.data);
    }
    return chunk;
  }

  async chunkLengths(blobId: string): Promise<number[]> {
    return (await this.q.chunkLengths.all(blobId)).map((r) => Number(r.n));
  }

  async dropBlob(blobId: string): Promise<void> {
    await this.q.dropBlob.run(blobId);
  }

  reapBlobs(now: number, limit: number): Promise<number> {
    return this.q.reapBlobs.run(now, limit);
  }

  listPastes(owner: string | null, now: number, limit: number, offset: number): Promise<Page<PasteMeta>> {
    return ownedPage(this.q.list, toMeta, { owner, now, limit, offset });
  }
}

/** Copies a piece (bytes, or base64 text: see Dialect.pieceData) into `chunk` at `at`; its length. */
function putPiece(chunk: Buffer, at: number, data: unknown): number {
  if (typeof data === "string") return chunk.write(data, at, "base64");
  chunk.set(data as Uint8Array, at);
  return (data as Uint8Array).length;
}

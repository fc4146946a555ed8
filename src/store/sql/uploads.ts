import type { NewUpload, UploadRecord, UploadStore } from "../store.uploads.types.ts";
import { type Driver, get, run } from "./driver.ts";
import type { Row } from "./rows.ts";

const COLUMNS = "id, owner, blob_id, length, received, chunks, options, created_at, expires_at, paste_id";

function toUpload(row: Row): UploadRecord {
  return {
    id: row.id as string,
    owner: (row.owner as string | null) ?? null,
    blobId: row.blob_id as string,
    length: Number(row.length),
    received: Number(row.received),
    chunks: Number(row.chunks),
    options: row.options as string,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    pasteId: (row.paste_id as string | null) ?? null,
  };
}

function prepare(db: Driver) {
  return {
    openBlob: db.prepare("INSERT INTO blobs (id, reap_after) VALUES (?, ?)"),
    insert: db.prepare(
      `INSERT INTO uploads (id, owner, blob_id, length, options, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    find: db.prepare(`SELECT ${COLUMNS} FROM uploads WHERE id = ? AND expires_at > ?`),
    // The offset compare-and-set: of two requests appending at the same offset, one wins.
    advance: db.prepare(
      `UPDATE uploads SET received = received + CAST(? AS BIGINT), chunks = chunks + 1, expires_at = ?
       WHERE id = ? AND received = ? AND paste_id IS NULL AND received + CAST(? AS BIGINT) <= length
       RETURNING blob_id, chunks`,
    ),
    writeChunk: db.prepare("INSERT INTO blob_chunks (blob_id, seq, data) VALUES (?, ?, ?)"),
    extendBlob: db.prepare("UPDATE blobs SET reap_after = ? WHERE id = ? AND reap_after IS NOT NULL"),
    complete: db.prepare("UPDATE uploads SET paste_id = ? WHERE id = ?"),
    remove: db.prepare("DELETE FROM uploads WHERE id = ? RETURNING blob_id"),
    // Only a blob no paste has claimed (reap_after still set) goes with its upload.
    dropBlob: db.prepare("DELETE FROM blobs WHERE id = ? AND reap_after IS NOT NULL"),
    deleteExpired: db.prepare(
      "DELETE FROM uploads WHERE id IN (SELECT id FROM uploads WHERE expires_at <= ? LIMIT ?)",
    ),
  };
}

/** Resumable uploads: a row per upload over the blob its chunks go to. */
export class SqlUploads implements UploadStore {
  private readonly db: Driver;
  private readonly q: ReturnType<typeof prepare>;

  constructor(db: Driver) {
    this.db = db;
    this.q = prepare(db);
  }

  createUpload(u: NewUpload): Promise<void> {
    const { openBlob, insert } = this.q;
    return this.db.transaction(function* () {
      yield* run(openBlob, u.blobId, u.expiresAt);
      yield* run(insert, u.id, u.owner, u.blobId, u.length, u.options, u.createdAt, u.expiresAt);
    });
  }

  async findUpload(id: string, now: number): Promise<UploadRecord | undefined> {
    const row = await this.q.find.get(id, now);
    return row ? toUpload(row) : undefined;
  }

  appendChunk(id: string, offset: number, data: Uint8Array, expiresAt: number): Promise<boolean> {
    const { advance, writeChunk, extendBlob } = this.q;
    return this.db.transaction(function* () {
      const row = yield* get(advance, data.length, expiresAt, id, offset, data.length);
      if (!row) return false;
      const blobId = row.blob_id as string;
      yield* run(writeChunk, blobId, Number(row.chunks) - 1, data);
      yield* run(extendBlob, expiresAt, blobId);
      return true;
    });
  }

  async markComplete(id: string, pasteId: string): Promise<void> {
    await this.q.complete.run(pasteId, id);
  }

  deleteUpload(id: string): Promise<boolean> {
    const { remove, dropBlob } = this.q;
    return this.db.transaction(function* () {
      const row = yield* get(remove, id);
      if (!row) return false;
      yield* run(dropBlob, row.blob_id as string);
      return true;
    });
  }

  deleteExpiredUploads(now: number, limit: number): Promise<number> {
    return this.q.deleteExpired.run(now, limit);
  }
}

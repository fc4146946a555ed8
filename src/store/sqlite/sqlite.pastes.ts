import type { DatabaseSync } from "node:sqlite";
import { contentOf, EMPTY, META_COLUMNS, type Row, toMeta } from "../rows.ts";
import {
  BlobGone,
  isChunked,
  type NewPaste,
  type Page,
  type PasteForRead,
  type PasteMeta,
  type StoredContent,
} from "../store.types.ts";
import { type Immediate, ownedPage } from "./sqlite.common.ts";

/** The statements of SqlitePastes, prepared once per process. */
function preparePastes(db: DatabaseSync) {
  const live = "id = ? AND expires_at > ?";
  return {
    insert: db.prepare(
      `INSERT INTO pastes (${META_COLUMNS}, content, blob_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    find: db.prepare(`SELECT ${META_COLUMNS} FROM pastes WHERE ${live}`),
    read: db.prepare(
      `SELECT ${META_COLUMNS}, CASE WHEN password_hash IS NULL AND burn_after_read = 0 THEN content END AS content, blob_id FROM pastes WHERE ${live}`,
    ),
    content: db.prepare(`SELECT content, blob_id FROM pastes WHERE ${live}`),
    burn: db.prepare(`DELETE FROM pastes WHERE ${live} RETURNING content, blob_id`),
    touch: db.prepare(
      "UPDATE pastes SET expires_at = ? WHERE id = ? AND idle_ttl IS NOT NULL AND expires_at < ?",
    ),
    delete: db.prepare("DELETE FROM pastes WHERE id = ? RETURNING blob_id"),
    deleteExpired: db.prepare(
      "DELETE FROM pastes WHERE id IN (SELECT id FROM pastes WHERE expires_at <= ? LIMIT ?)",
    ),
    openBlob: db.prepare("INSERT INTO blobs (id, reap_after) VALUES (?, ?)"),
    claimBlob: db.prepare("UPDATE blobs SET reap_after = NULL WHERE id = ? AND reap_after IS NOT NULL"),
    graceBlob: db.prepare("UPDATE blobs SET reap_after = ? WHERE id = ?"),
    writeChunk: db.prepare("INSERT INTO blob_chunks (blob_id, seq, data) VALUES (?, ?, ?)"),
    readChunk: db.prepare("SELECT data FROM blob_chunks WHERE blob_id = ? AND seq = ?"),
    dropBlob: db.prepare("DELETE FROM blobs WHERE id = ?"),
    reapBlobs: db.prepare(
      "DELETE FROM blobs WHERE id IN (SELECT id FROM blobs WHERE reap_after IS NOT NULL AND reap_after <= ? LIMIT ?)",
    ),
    listPastes: db.prepare(
      `SELECT ${META_COLUMNS} FROM pastes WHERE (owner = ? OR ? IS NULL) AND expires_at > ? ORDER BY created_at DESC, id LIMIT ? OFFSET ?`,
    ),
    countPastes: db.prepare(
      "SELECT COUNT(*) AS n FROM pastes WHERE (owner = ? OR ? IS NULL) AND expires_at > ?",
    ),
  };
}

type PastesStatements = ReturnType<typeof preparePastes>;

/** Pastes, their chunked blobs and the owner listings, on SQLite. */
export class SqlitePastes {
  private readonly stmt: PastesStatements;
  private readonly immediate: Immediate;

  constructor(db: DatabaseSync, immediate: Immediate) {
    this.stmt = preparePastes(db);
    this.immediate = immediate;
  }

  async insertPaste(p: NewPaste): Promise<boolean> {
    const insert = () =>
      Number(
        this.stmt.insert.run(
          p.id,
          p.owner,
          p.mimeType,
          p.size,
          p.createdAt,
          p.expiresAt,
          p.idleTtl,
          p.burnAfterRead ? 1 : 0,
          p.passwordHash,
          isChunked(p.content) ? EMPTY : p.content,
          isChunked(p.content) ? p.content.blobId : null,
        ).changes,
      ) === 1;
    if (!isChunked(p.content)) return insert();
    const { blobId } = p.content;
    return this.immediate(() => {
      if (!insert()) return false;
      if (Number(this.stmt.claimBlob.run(blobId).changes) !== 1) throw new BlobGone();
      return true;
    });
  }

  async findPaste(id: string, now: number): Promise<PasteMeta | undefined> {
    const row = this.stmt.find.get(id, now) as Row | undefined;
    return row ? toMeta(row) : undefined;
  }

  async readPaste(id: string, now: number): Promise<PasteForRead | undefined> {
    const row = this.stmt.read.get(id, now) as Row | undefined;
    if (!row) return undefined;
    return { ...toMeta(row), content: row.content === null ? undefined : contentOf(row) };
  }

  async readContent(id: string, now: number): Promise<StoredContent | undefined> {
    const row = this.stmt.content.get(id, now) as Row | undefined;
    return row ? contentOf(row) : undefined;
  }

  async burnPaste(id: string, now: number, graceUntil: number): Promise<StoredContent | undefined> {
    return this.immediate(() => {
      const row = this.stmt.burn.get(id, now) as Row | undefined;
      if (!row) return undefined;
      const content = contentOf(row);
      if (isChunked(content)) this.stmt.graceBlob.run(graceUntil, content.blobId);
      return content;
    });
  }

  async touchPaste(id: string, expiresAt: number): Promise<void> {
    this.stmt.touch.run(expiresAt, id, expiresAt);
  }

  async deletePaste(id: string): Promise<boolean> {
    return this.immediate(() => {
      const row = this.stmt.delete.get(id) as Row | undefined;
      if (row?.blob_id) this.stmt.dropBlob.run(row.blob_id as string);
      return row !== undefined;
    });
  }

  async deleteExpiredPastes(now: number, limit: number): Promise<number> {
    return Number(this.stmt.deleteExpired.run(now, limit).changes);
  }

  async openBlob(blobId: string, reapAfter: number): Promise<void> {
    this.stmt.openBlob.run(blobId, reapAfter);
  }

  async writeChunk(blobId: string, seq: number, data: Uint8Array): Promise<void> {
    this.stmt.writeChunk.run(blobId, seq, data);
  }

  async readChunk(blobId: string, seq: number): Promise<Uint8Array | undefined> {
    const row = this.stmt.readChunk.get(blobId, seq) as Row | undefined;
    return row ? (row.data as Uint8Array) : undefined;
  }

  async dropBlob(blobId: string): Promise<void> {
    this.stmt.dropBlob.run(blobId);
  }

  async reapBlobs(now: number, limit: number): Promise<number> {
    return Number(this.stmt.reapBlobs.run(now, limit).changes);
  }

  async listPastes(
    owner: string | null,
    now: number,
    limit: number,
    offset: number,
  ): Promise<Page<PasteMeta>> {
    return ownedPage(
      { list: this.stmt.listPastes, count: this.stmt.countPastes, map: toMeta },
      { owner, now, limit, offset },
    );
  }
}

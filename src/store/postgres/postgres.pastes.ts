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
import { bytes, numbered, ownedPage, type PgSql } from "./postgres.common.ts";

/** Pastes, their chunked blobs and the owner listings, on PostgreSQL. */
export class PostgresPastes {
  private readonly db: PgSql;

  constructor(db: PgSql) {
    this.db = db;
  }

  async insertPaste(p: NewPaste): Promise<boolean> {
    const sql = `INSERT INTO pastes (${META_COLUMNS}, content, blob_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`;
    const chunked = isChunked(p.content) ? p.content : undefined;
    const params: unknown[] = [p.id, p.owner, p.mimeType, p.size, p.createdAt, p.expiresAt, p.idleTtl];
    params.push(p.burnAfterRead ? 1 : 0, p.passwordHash);
    params.push(isChunked(p.content) ? bytes(EMPTY) : bytes(p.content), chunked?.blobId ?? null);
    if (!chunked) return (await this.db.run(sql, params)) === 1;
    return this.db.tx(async (c) => {
      if ((await c.query(numbered(sql), params)).rowCount !== 1) return false;
      const claimed = await c.query(
        "UPDATE blobs SET reap_after = NULL WHERE id = $1 AND reap_after IS NOT NULL",
        [chunked.blobId],
      );
      if (claimed.rowCount !== 1) throw new BlobGone();
      return true;
    });
  }

  async findPaste(id: string, now: number): Promise<PasteMeta | undefined> {
    const row = await this.db.one(`SELECT ${META_COLUMNS} FROM pastes WHERE id = ? AND expires_at > ?`, [
      id,
      now,
    ]);
    return row ? toMeta(row) : undefined;
  }

  async readPaste(id: string, now: number): Promise<PasteForRead | undefined> {
    const row = await this.db.one(
      `SELECT ${META_COLUMNS}, CASE WHEN password_hash IS NULL AND burn_after_read = 0 THEN content END AS content, blob_id FROM pastes WHERE id = ? AND expires_at > ?`,
      [id, now],
    );
    if (!row) return undefined;
    return { ...toMeta(row), content: row.content === null ? undefined : contentOf(row) };
  }

  async readContent(id: string, now: number): Promise<StoredContent | undefined> {
    const row = await this.db.one("SELECT content, blob_id FROM pastes WHERE id = ? AND expires_at > ?", [
      id,
      now,
    ]);
    return row ? contentOf(row) : undefined;
  }

  async burnPaste(id: string, now: number, graceUntil: number): Promise<StoredContent | undefined> {
    return this.db.tx(async (c) => {
      const { rows } = await c.query(
        "DELETE FROM pastes WHERE id = $1 AND expires_at > $2 RETURNING content, blob_id",
        [id, now],
      );
      const row = rows[0] as Row | undefined;
      if (!row) return undefined;
      const content = contentOf(row);
      if (isChunked(content)) {
        await c.query("UPDATE blobs SET reap_after = $1 WHERE id = $2", [graceUntil, content.blobId]);
      }
      return content;
    });
  }

  async touchPaste(id: string, expiresAt: number): Promise<void> {
    await this.db.run(
      "UPDATE pastes SET expires_at = ? WHERE id = ? AND idle_ttl IS NOT NULL AND expires_at < ?",
      [expiresAt, id, expiresAt],
    );
  }

  async deletePaste(id: string): Promise<boolean> {
    return this.db.tx(async (c) => {
      const { rows } = await c.query("DELETE FROM pastes WHERE id = $1 RETURNING blob_id", [id]);
      const blobId = (rows[0] as Row | undefined)?.blob_id;
      if (blobId) await c.query("DELETE FROM blobs WHERE id = $1", [blobId]);
      return rows.length === 1;
    });
  }

  async deleteExpiredPastes(now: number, limit: number): Promise<number> {
    return this.db.run(
      "DELETE FROM pastes WHERE id IN (SELECT id FROM pastes WHERE expires_at <= ? LIMIT ?)",
      [now, limit],
    );
  }

  async openBlob(blobId: string, reapAfter: number): Promise<void> {
    await this.db.run("INSERT INTO blobs (id, reap_after) VALUES (?, ?)", [blobId, reapAfter]);
  }

  async writeChunk(blobId: string, seq: number, data: Uint8Array): Promise<void> {
    await this.db.run("INSERT INTO blob_chunks (blob_id, seq, data) VALUES (?, ?, ?)", [
      blobId,
      seq,
      bytes(data),
    ]);
  }

  async readChunk(blobId: string, seq: number): Promise<Uint8Array | undefined> {
    const row = await this.db.one("SELECT data FROM blob_chunks WHERE blob_id = ? AND seq = ?", [
      blobId,
      seq,
    ]);
    return row ? (row.data as Buffer) : undefined;
  }

  async dropBlob(blobId: string): Promise<void> {
    await this.db.run("DELETE FROM blobs WHERE id = ?", [blobId]);
  }

  async reapBlobs(now: number, limit: number): Promise<number> {
    return this.db.run(
      "DELETE FROM blobs WHERE id IN (SELECT id FROM blobs WHERE reap_after IS NOT NULL AND reap_after <= ? LIMIT ?)",
      [now, limit],
    );
  }

  listPastes(owner: string | null, now: number, limit: number, offset: number): Promise<Page<PasteMeta>> {
    return ownedPage(
      this.db,
      { table: "pastes", columns: META_COLUMNS, live: "expires_at > ?", map: toMeta },
      { owner, now, limit, offset },
    );
  }
}

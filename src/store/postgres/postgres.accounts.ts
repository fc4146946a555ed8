import type pg from "pg";
import {
  IMAGE_COLUMNS,
  ImageAssembly,
  type ImagePieceSource,
  imageChunks,
  type Row,
  streamImagePieces,
  toImage,
  toImagePiece,
  toPermission,
  toUser,
  USER_COLUMNS,
} from "../rows.ts";
import type { ImageMeta, ImagePart, ImagePermission, ImageRecord, UserRecord } from "../store.types.ts";
import { bytes, numbered, type PgSql } from "./postgres.common.ts";

/**
 * A piece of an image as download-all reads it (a slice of one of its chunks): a query each. Small,
 * so that node-postgres reads a row (twice the piece, as hex text) in one or two socket reads and
 * what it allocates for it dies young: with pieces of 256 KiB and more, its message buffers outlive
 * collections, and the process grew by twice as much or more in the memory test
 * (test/e2e/accounts-download-memory.test.ts).
 */
const IMAGE_PIECE = 32 * 1024;
/** Accounts, their images stored in chunks, and the grants on them, on PostgreSQL. */
export class PostgresAccounts {
  private readonly db: PgSql;

  constructor(db: PgSql) {
    this.db = db;
  }

  async insertUser(u: UserRecord): Promise<boolean> {
    const sql = `INSERT INTO users (id, username, username_key, password_hash, public_key, created_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;
    return (
      (await this.db.run(sql, [
        u.id,
        u.username,
        u.username.toLowerCase(),
        u.passwordHash,
        u.publicKey,
        u.createdAt,
      ])) === 1
    );
  }

  async findUserById(id: string): Promise<UserRecord | undefined> {
    const row = await this.db.one(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`, [id]);
    return row ? toUser(row) : undefined;
  }

  async findUserByName(username: string): Promise<UserRecord | undefined> {
    const row = await this.db.one(`SELECT ${USER_COLUMNS} FROM users WHERE username_key = ?`, [
      username.toLowerCase(),
    ]);
    return row ? toUser(row) : undefined;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.db.q(`SELECT ${USER_COLUMNS} FROM users ORDER BY created_at, seq`)).map(toUser);
  }

  async insertImage(i: ImageRecord): Promise<boolean> {
    const sql = `INSERT INTO images (id, owner_id, name, stem, mime_type, size, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;
    const params = [i.id, i.ownerId, i.name, i.stem, i.mimeType, i.content.length, i.createdAt];
    return this.db.tx(async (c) => {
      if ((await c.query(numbered(sql), params)).rowCount !== 1) return false;
      await this.writeImageChunks(c, i.id, i.content, i.quotient);
      return true;
    });
  }

  private async writeImageChunks(c: pg.PoolClient, imageId: string, content: Uint8Array, quotient: string) {
    for (const chunk of imageChunks(content, quotient)) {
      await c.query("INSERT INTO image_chunks (image_id, part, seq, data) VALUES ($1, $2, $3, $4)", [
        imageId,
        chunk.part,
        chunk.seq,
        bytes(chunk.data),
      ]);
    }
  }

  /**
   * The row, then its chunks one query each, in one REPEATABLE READ transaction: one version of the
   * image, and one chunk in node-postgres's buffers at a time.
   */
  async findImage(ownerId: string, stem: string): Promise<ImageRecord | undefined> {
    return this.db.tx(async (c) => {
      await c.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      const { rows } = await c.query(
        `SELECT ${IMAGE_COLUMNS} FROM images WHERE owner_id = $1 AND stem = $2`,
        [ownerId, stem],
      );
      const row = rows[0] as Row | undefined;
      if (!row) return undefined;
      const image = new ImageAssembly(row);
      for (const part of ["content", "quotient"] as const) {
        for (let seq = 0; ; seq++) {
          const chunk = await c.query(
            "SELECT data FROM image_chunks WHERE image_id = $1 AND part = $2 AND seq = $3",
            [row.id, part, seq],
          );
          const data = (chunk.rows[0] as Row | undefined)?.data as Buffer | undefined;
          if (!data) break;
          image.add(part, data);
        }
      }
      return image.done();
    });
  }

  async listImages(ownerId: string): Promise<ImageMeta[]> {
    const sql = `SELECT ${IMAGE_COLUMNS} FROM images WHERE owner_id = ? ORDER BY created_at, seq`;
    return (await this.db.q(sql, [ownerId])).map(toImage);
  }

  /**
   * Each piece is a query of its own, so a slow client holds no pooled connection; `xmin` changes
   * with every update of the image's row, which every replacement makes in the transaction that
   * rewrites its chunks, so a replacement between two pieces is seen. Chunks are stored uncompressed
   * (STORAGE EXTERNAL), so a piece is sliced from its chunk without reading the rest of it.
   */
  streamImages(ownerId: string, pieceBytes = IMAGE_PIECE): AsyncGenerator<ImagePart, void, undefined> {
    const source: ImagePieceSource = {
      page: (owner, [a, b], limit) =>
        this.db.q(
          `SELECT ${IMAGE_COLUMNS}, created_at AS pos_a, seq AS pos_b FROM images
           WHERE owner_id = ? AND (created_at, seq) > (?, ?) ORDER BY created_at, seq LIMIT ?`,
          [owner, a, b, limit],
        ),
      begin: async () => undefined,
      end: async () => undefined,
      piece: async (imageId, part, seq, offset, length) =>
        toImagePiece(
          await this.db.prepared(
            "image_piece",
            `SELECT substring(c.data FROM ?::integer FOR ?::integer) AS data, octet_length(c.data) AS chunk_bytes,
               i.xmin::text AS version
             FROM images i LEFT JOIN image_chunks c ON c.image_id = i.id AND c.part = ? AND c.seq = ?::integer
             WHERE i.id = ?`,
            [offset + 1, length, part, seq, imageId],
          ),
        ),
      close: async () => undefined,
    };
    return streamImagePieces(source, ownerId, pieceBytes);
  }

  async countImages(ownerId: string): Promise<number> {
    return Number((await this.db.one("SELECT COUNT(*) AS n FROM images WHERE owner_id = ?", [ownerId]))?.n);
  }

  async replaceImage(
    id: string,
    u: { content: Uint8Array; mimeType: string; quotient: string },
  ): Promise<boolean> {
    return this.db.tx(async (c) => {
      const updated = await c.query("UPDATE images SET size = $1, mime_type = $2 WHERE id = $3", [
        u.content.length,
        u.mimeType,
        id,
      ]);
      if (updated.rowCount !== 1) return false;
      await c.query("DELETE FROM image_chunks WHERE image_id = $1", [id]);
      await this.writeImageChunks(c, id, u.content, u.quotient);
      return true;
    });
  }

  async deleteImage(id: string): Promise<boolean> {
    // Its chunks and permissions go with it (ON DELETE CASCADE).
    return (await this.db.run("DELETE FROM images WHERE id = ?", [id])) === 1;
  }

  async listPermissions(imageId: string): Promise<ImagePermission[]> {
    return (
      await this.db.q("SELECT user_id, role FROM image_permissions WHERE image_id = ? ORDER BY seq", [
        imageId,
      ])
    ).map(toPermission);
  }

  async findPermission(imageId: string, userId: string): Promise<ImagePermission | undefined> {
    const row = await this.db.one(
      "SELECT user_id, role FROM image_permissions WHERE image_id = ? AND user_id = ?",
      [imageId, userId],
    );
    return row ? toPermission(row) : undefined;
  }

  async insertPermission(imageId: string, p: ImagePermission): Promise<boolean> {
    const sql =
      "INSERT INTO image_permissions (image_id, user_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
    return (await this.db.run(sql, [imageId, p.userId, p.role])) === 1;
  }

  async updatePermission(imageId: string, p: ImagePermission): Promise<boolean> {
    const sql = "UPDATE image_permissions SET role = ? WHERE image_id = ? AND user_id = ?";
    return (await this.db.run(sql, [p.role, imageId, p.userId])) === 1;
  }

  async deletePermission(imageId: string, userId: string): Promise<boolean> {
    return (
      (await this.db.run("DELETE FROM image_permissions WHERE image_id = ? AND user_id = ?", [
        imageId,
        userId,
      ])) === 1
    );
  }
}

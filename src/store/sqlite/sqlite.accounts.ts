import { DatabaseSync, type StatementSync } from "node:sqlite";
import {
  IMAGE_CHUNK,
  IMAGE_COLUMNS,
  ImageAssembly,
  type ImageChunkPart,
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
import type { Immediate } from "./sqlite.common.ts";

/** The statements of SqliteAccounts, prepared once per process. */
function prepareAccounts(db: DatabaseSync) {
  return {
    insertUser: db.prepare(
      `INSERT INTO users (id, username, username_key, password_hash, public_key, created_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    userById: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
    userByName: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE username_key = ?`),
    listUsers: db.prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY created_at, rowid`),
    insertImage: db.prepare(
      `INSERT INTO images (id, owner_id, name, stem, mime_type, size, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    writeImageChunk: db.prepare("INSERT INTO image_chunks (image_id, part, seq, data) VALUES (?, ?, ?, ?)"),
    dropImageChunks: db.prepare("DELETE FROM image_chunks WHERE image_id = ?"),
    findImage: db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE owner_id = ? AND stem = ?`),
    imageChunks: db.prepare("SELECT part, data FROM image_chunks WHERE image_id = ? ORDER BY part, seq"),
    listImages: db.prepare(
      `SELECT ${IMAGE_COLUMNS} FROM images WHERE owner_id = ? ORDER BY created_at, rowid`,
    ),
    countImages: db.prepare("SELECT COUNT(*) AS n FROM images WHERE owner_id = ?"),
    replaceImage: db.prepare("UPDATE images SET size = ?, mime_type = ? WHERE id = ?"),
    deleteImage: db.prepare("DELETE FROM images WHERE id = ?"),
    listPermissions: db.prepare(
      "SELECT user_id, role FROM image_permissions WHERE image_id = ? ORDER BY rowid",
    ),
    findPermission: db.prepare(
      "SELECT user_id, role FROM image_permissions WHERE image_id = ? AND user_id = ?",
    ),
    insertPermission: db.prepare(
      "INSERT INTO image_permissions (image_id, user_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    ),
    updatePermission: db.prepare("UPDATE image_permissions SET role = ? WHERE image_id = ? AND user_id = ?"),
    deletePermission: db.prepare("DELETE FROM image_permissions WHERE image_id = ? AND user_id = ?"),
  };
}

type AccountsStatements = ReturnType<typeof prepareAccounts>;

/**
 * A piece of an image as download-all reads it: a whole chunk (rows.ts IMAGE_CHUNK). node:sqlite has
 * no incremental blob I/O, so SQLite loads a chunk whole to cut any piece from it: one piece a chunk.
 */
const IMAGE_PIECE = IMAGE_CHUNK;

/** Accounts, their images stored in chunks, and the grants on them, on SQLite. */
export class SqliteAccounts {
  private readonly stmt: AccountsStatements;
  private readonly immediate: Immediate;
  private readonly db: DatabaseSync;
  private readonly path: string;
  /** The read-only connections of image downloads in progress (streamImages). */
  private readonly readers: Set<DatabaseSync>;

  constructor(db: DatabaseSync, immediate: Immediate, path: string, readers: Set<DatabaseSync>) {
    this.stmt = prepareAccounts(db);
    this.immediate = immediate;
    this.db = db;
    this.path = path;
    this.readers = readers;
  }

  async insertUser(u: UserRecord): Promise<boolean> {
    const result = this.stmt.insertUser.run(
      u.id,
      u.username,
      u.username.toLowerCase(),
      u.passwordHash,
      u.publicKey,
      u.createdAt,
    );
    return Number(result.changes) === 1;
  }

  async findUserById(id: string): Promise<UserRecord | undefined> {
    const row = this.stmt.userById.get(id) as Row | undefined;
    return row ? toUser(row) : undefined;
  }

  async findUserByName(username: string): Promise<UserRecord | undefined> {
    const row = this.stmt.userByName.get(username.toLowerCase()) as Row | undefined;
    return row ? toUser(row) : undefined;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (this.stmt.listUsers.all() as Row[]).map(toUser);
  }

  async insertImage(i: ImageRecord): Promise<boolean> {
    return this.immediate(() => {
      const row = [i.id, i.ownerId, i.name, i.stem, i.mimeType, i.content.length, i.createdAt] as const;
      if (Number(this.stmt.insertImage.run(...row).changes) !== 1) return false;
      this.writeImageChunks(i.id, i.content, i.quotient);
      return true;
    });
  }

  private writeImageChunks(imageId: string, content: Uint8Array, quotient: string): void {
    for (const c of imageChunks(content, quotient))
      this.stmt.writeImageChunk.run(imageId, c.part, c.seq, c.data);
  }

  async findImage(ownerId: string, stem: string): Promise<ImageRecord | undefined> {
    // One read transaction: the row and its chunks from one version, whatever other processes write.
    this.db.exec("BEGIN");
    try {
      const row = this.stmt.findImage.get(ownerId, stem) as Row | undefined;
      if (!row) return undefined;
      const image = new ImageAssembly(row);
      for (const chunk of this.stmt.imageChunks.iterate(row.id as string) as Iterable<Row>) {
        image.add(chunk.part as ImageChunkPart, chunk.data as Uint8Array);
      }
      return image.done();
    } finally {
      this.db.exec("COMMIT");
    }
  }

  async listImages(ownerId: string): Promise<ImageMeta[]> {
    return (this.stmt.listImages.all(ownerId) as Row[]).map(toImage);
  }

  streamImages(ownerId: string, pieceBytes = IMAGE_PIECE): AsyncGenerator<ImagePart, void, undefined> {
    return streamImagePieces(this.imagePieceSource(), ownerId, pieceBytes);
  }

  /**
   * Image pieces from a read-only connection of the stream's own, each image read in one read
   * transaction: a snapshot (SQLite rows carry no version to compare), held on a connection no other
   * request's statements share, and only while that image streams. Opened on the first read, so a
   * stream never started holds nothing. (An in-memory database, for tests, has no second connection:
   * it reads on the main one, without the snapshot.)
   */
  private imagePieceSource(): ImagePieceSource {
    type Reader = { db: DatabaseSync; page: StatementSync; piece: StatementSync };
    let reader: Reader | undefined;
    const open = (): Reader => {
      if (reader) return reader;
      const db = this.path === ":memory:" ? this.db : new DatabaseSync(this.path, { readOnly: true });
      if (db !== this.db) {
        this.readers.add(db);
        db.exec("PRAGMA busy_timeout = 5000");
      }
      reader = {
        db,
        page: db.prepare(
          `SELECT ${IMAGE_COLUMNS}, created_at AS pos_a, rowid AS pos_b FROM images
           WHERE owner_id = ? AND (created_at, rowid) > (?, ?) ORDER BY created_at, rowid LIMIT ?`,
        ),
        // The image row tells a missing image from a missing chunk (past the part's end).
        piece: db.prepare(
          `SELECT substr(c.data, ?, ?) AS data, length(c.data) AS chunk_bytes
           FROM images i LEFT JOIN image_chunks c ON c.image_id = i.id AND c.part = ? AND c.seq = ?
           WHERE i.id = ?`,
        ),
      };
      return reader;
    };
    // The stream's own connection, still open (store.close closes it under a stream).
    const own = (): DatabaseSync | undefined =>
      reader && reader.db !== this.db && reader.db.isOpen ? reader.db : undefined;
    return {
      page: async (ownerId, [a, b], limit) =>
        open().page.all(ownerId, a as number, b as number, limit) as Row[],
      begin: async () => {
        own()?.exec("BEGIN");
      },
      end: async () => {
        const db = own();
        if (db?.isTransaction) db.exec("COMMIT");
      },
      piece: async (imageId, part, seq, offset, length) =>
        toImagePiece(open().piece.get(offset + 1, length, part, seq, imageId) as Row | undefined),
      close: async () => {
        const db = own();
        if (!db) return;
        this.readers.delete(db);
        db.close();
      },
    };
  }

  async countImages(ownerId: string): Promise<number> {
    return Number((this.stmt.countImages.get(ownerId) as Row).n);
  }

  async replaceImage(
    id: string,
    u: { content: Uint8Array; mimeType: string; quotient: string },
  ): Promise<boolean> {
    return this.immediate(() => {
      if (Number(this.stmt.replaceImage.run(u.content.length, u.mimeType, id).changes) !== 1) return false;
      this.stmt.dropImageChunks.run(id);
      this.writeImageChunks(id, u.content, u.quotient);
      return true;
    });
  }

  async deleteImage(id: string): Promise<boolean> {
    // Its chunks and permissions go with it (ON DELETE CASCADE; foreign keys are on).
    return Number(this.stmt.deleteImage.run(id).changes) === 1;
  }

  async listPermissions(imageId: string): Promise<ImagePermission[]> {
    return (this.stmt.listPermissions.all(imageId) as Row[]).map(toPermission);
  }

  async findPermission(imageId: string, userId: string): Promise<ImagePermission | undefined> {
    const row = this.stmt.findPermission.get(imageId, userId) as Row | undefined;
    return row ? toPermission(row) : undefined;
  }

  async insertPermission(imageId: string, p: ImagePermission): Promise<boolean> {
    return Number(this.stmt.insertPermission.run(imageId, p.userId, p.role).changes) === 1;
  }

  async updatePermission(imageId: string, p: ImagePermission): Promise<boolean> {
    return Number(this.stmt.updatePermission.run(p.role, imageId, p.userId).changes) === 1;
  }

  async deletePermission(imageId: string, userId: string): Promise<boolean> {
    return Number(this.stmt.deletePermission.run(imageId, userId).changes) === 1;
  }
}

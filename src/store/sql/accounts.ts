import type {
  AccountStore,
  ImageMeta,
  ImagePart,
  ImagePermission,
  ImageRecord,
  UserRecord,
} from "../store.types.ts";
import { type Body, type Driver, get, type Query, run } from "./driver.ts";
import { ImageAssembly, imageChunks, prepareImageStream, streamImagePieces } from "./images.ts";
import { IMAGE_COLUMNS, toImage, toPermission, toUser, USER_COLUMNS } from "./rows.ts";

/** The statements of accounts, their images and grants, prepared once. */
function prepare(db: Driver) {
  const order = db.dialect.insertionOrder;
  return {
    insertUser: db.prepare(
      `INSERT INTO users (id, username, username_key, password_hash, public_key, created_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    userById: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
    userByName: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE username_key = ?`),
    listUsers: db.prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY created_at, ${order}`),
    insertImage: db.prepare(
      `INSERT INTO images (id, owner_id, name, stem, mime_type, size, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    writeChunk: db.prepare("INSERT INTO image_chunks (image_id, part, seq, data) VALUES (?, ?, ?, ?)"),
    dropChunks: db.prepare("DELETE FROM image_chunks WHERE image_id = ?"),
    findImage: db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE owner_id = ? AND stem = ?`),
    readChunk: db.prepare("SELECT data FROM image_chunks WHERE image_id = ? AND part = ? AND seq = ?"),
    listImages: db.prepare(
      `SELECT ${IMAGE_COLUMNS} FROM images WHERE owner_id = ? ORDER BY created_at, ${order}`,
    ),
    countImages: db.prepare("SELECT COUNT(*) AS n FROM images WHERE owner_id = ?"),
    replaceImage: db.prepare("UPDATE images SET size = ?, mime_type = ?, version = version + 1 WHERE id = ?"),
    // Its chunks and permissions go with it (ON DELETE CASCADE).
    deleteImage: db.prepare("DELETE FROM images WHERE id = ?"),
    listPermissions: db.prepare(
      `SELECT user_id, role FROM image_permissions WHERE image_id = ? ORDER BY ${order}`,
    ),
    findPermission: db.prepare(
      "SELECT user_id, role FROM image_permissions WHERE image_id = ? AND user_id = ?",
    ),
    insertPermission: db.prepare(
      "INSERT INTO image_permissions (image_id, user_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    ),
    updatePermission: db.prepare("UPDATE image_permissions SET role = ? WHERE image_id = ? AND user_id = ?"),
    deletePermission: db.prepare("DELETE FROM image_permissions WHERE image_id = ? AND user_id = ?"),
    stream: prepareImageStream(db),
  };
}

/** An image's chunks written in the transaction that stores or replaces it. */
function* writeChunks(write: Query, imageId: string, content: Uint8Array, quotient: string): Body<void> {
  for (const c of imageChunks(content, quotient)) yield* run(write, imageId, c.part, c.seq, c.data);
}

/** Accounts, their images stored in chunks, and the grants on them. */
export class SqlAccounts implements AccountStore {
  private readonly db: Driver;
  private readonly q: ReturnType<typeof prepare>;

  constructor(db: Driver) {
    this.db = db;
    this.q = prepare(db);
  }

  async insertUser(u: UserRecord): Promise<boolean> {
    const row = [u.id, u.username, u.username.toLowerCase(), u.passwordHash, u.publicKey, u.createdAt];
    return (await this.q.insertUser.run(...row)) === 1;
  }

  async findUserById(id: string): Promise<UserRecord | undefined> {
    const row = await this.q.userById.get(id);
    return row ? toUser(row) : undefined;
  }

  async findUserByName(username: string): Promise<UserRecord | undefined> {
    const row = await this.q.userByName.get(username.toLowerCase());
    return row ? toUser(row) : undefined;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.q.listUsers.all()).map(toUser);
  }

  insertImage(i: ImageRecord): Promise<boolean> {
    const { insertImage, writeChunk } = this.q;
    const row = [i.id, i.ownerId, i.name, i.stem, i.mimeType, i.content.length, i.createdAt];
    return this.db.transaction(function* () {
      if ((yield* run(insertImage, ...row)) !== 1) return false;
      yield* writeChunks(writeChunk, i.id, i.content, i.quotient);
      return true;
    });
  }

  /**
   * The row, then its chunks one statement each, in one read transaction: one version of the image,
   * and one chunk in the driver's buffers at a time.
   */
  findImage(ownerId: string, stem: string): Promise<ImageRecord | undefined> {
    const { findImage, readChunk } = this.q;
    return this.db.transaction(function* () {
      const row = yield* get(findImage, ownerId, stem);
      if (!row) return undefined;
      const image = new ImageAssembly(row);
      for (const part of ["content", "quotient"] as const) {
        for (let seq = 0; ; seq++) {
          const data = (yield* get(readChunk, row.id, part, seq))?.data as Uint8Array | undefined;
          if (!data) break;
          image.add(part, data);
        }
      }
      return image.done();
    }, "read");
  }

  async listImages(ownerId: string): Promise<ImageMeta[]> {
    return (await this.q.listImages.all(ownerId)).map(toImage);
  }

  streamImages(
    ownerId: string,
    pieceBytes = this.db.dialect.pieceBytes,
  ): AsyncGenerator<ImagePart, void, undefined> {
    return streamImagePieces(this.q.stream, ownerId, pieceBytes);
  }

  async countImages(ownerId: string): Promise<number> {
    return Number((await this.q.countImages.get(ownerId))?.n);
  }

  replaceImage(id: string, u: { content: Uint8Array; mimeType: string; quotient: string }): Promise<boolean> {
    const { replaceImage, dropChunks, writeChunk } = this.q;
    return this.db.transaction(function* () {
      if ((yield* run(replaceImage, u.content.length, u.mimeType, id)) !== 1) return false;
      yield* run(dropChunks, id);
      yield* writeChunks(writeChunk, id, u.content, u.quotient);
      return true;
    });
  }

  async deleteImage(id: string): Promise<boolean> {
    return (await this.q.deleteImage.run(id)) === 1;
  }

  async listPermissions(imageId: string): Promise<ImagePermission[]> {
    return (await this.q.listPermissions.all(imageId)).map(toPermission);
  }

  async findPermission(imageId: string, userId: string): Promise<ImagePermission | undefined> {
    const row = await this.q.findPermission.get(imageId, userId);
    return row ? toPermission(row) : undefined;
  }

  async insertPermission(imageId: string, p: ImagePermission): Promise<boolean> {
    return (await this.q.insertPermission.run(imageId, p.userId, p.role)) === 1;
  }

  async updatePermission(imageId: string, p: ImagePermission): Promise<boolean> {
    return (await this.q.updatePermission.run(p.role, imageId, p.userId)) === 1;
  }

  async deletePermission(imageId: string, userId: string): Promise<boolean> {
    return (await this.q.deletePermission.run(imageId, userId)) === 1;
  }
}

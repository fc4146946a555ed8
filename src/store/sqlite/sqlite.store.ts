import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { backup, DatabaseSync, type StatementSync } from "node:sqlite";
import {
  CERT_COLUMNS,
  contentOf,
  EMPTY,
  IMAGE_CHUNK,
  IMAGE_COLUMNS,
  ImageAssembly,
  type ImageChunkPart,
  type ImagePieceSource,
  imageChunks,
  META_COLUMNS,
  type Row,
  SHORT_COLUMNS,
  streamImagePieces,
  toCertificate,
  toImage,
  toImagePiece,
  toMeta,
  toPermission,
  toShortUrl,
  toUser,
  USER_COLUMNS,
} from "../rows.ts";
import {
  type AuditEvent,
  BlobGone,
  type CaRecord,
  type CertificateRecord,
  type FunctionClient,
  type ImageMeta,
  type ImagePart,
  type ImagePermission,
  type ImageRecord,
  isChunked,
  type NewCertificate,
  type NewPaste,
  type NewShortUrl,
  type Page,
  type PasteForRead,
  type PasteMeta,
  type ShortUrlRecord,
  type Store,
  type StoredContent,
  type UserRecord,
} from "../store.types.ts";
import { sqliteMigrations } from "./sqlite.migrations.ts";

function prepareStatements(db: DatabaseSync) {
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
    ping: db.prepare("SELECT 1 AS ok"),
    insertSecret: db.prepare(
      "INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
    ),
    selectSecret: db.prepare("SELECT value FROM secrets WHERE name = ?"),
    consumeNonce: db.prepare(
      "INSERT INTO pow_nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING",
    ),
    incrementCounter: db.prepare(
      `INSERT INTO counters (key, window_start, expires_at, count) VALUES (?, ?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN counters.window_start = excluded.window_start THEN counters.count + 1 ELSE 1 END,
         window_start = excluded.window_start,
         expires_at = excluded.expires_at
       RETURNING count`,
    ),
    readCounter: db.prepare("SELECT count FROM counters WHERE key = ? AND window_start = ?"),
    readState: db.prepare("SELECT value FROM shared_state WHERE key = ?"),
    writeState: db.prepare(
      "INSERT INTO shared_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ),
    deleteNonces: db.prepare(
      "DELETE FROM pow_nonces WHERE nonce IN (SELECT nonce FROM pow_nonces WHERE expires_at <= ? LIMIT ?)",
    ),
    listPastes: db.prepare(
      `SELECT ${META_COLUMNS} FROM pastes WHERE (owner = ? OR ? IS NULL) AND expires_at > ? ORDER BY created_at DESC, id LIMIT ? OFFSET ?`,
    ),
    countPastes: db.prepare(
      "SELECT COUNT(*) AS n FROM pastes WHERE (owner = ? OR ? IS NULL) AND expires_at > ?",
    ),
    getCa: db.prepare(
      "SELECT common_name, certificate_pem, encrypted_key, fingerprint, created_at, expires_at FROM pki_ca WHERE id = 1",
    ),
    insertCa: db.prepare(
      `INSERT INTO pki_ca (id, common_name, certificate_pem, encrypted_key, fingerprint, created_at, expires_at)
       VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    insertCertificate: db.prepare(
      `INSERT INTO certificates (serial, common_name, fingerprint, created_at, expires_at, issued_to, is_admin)
       VALUES (?, ?, ?, ?, ?, ?, CASE WHEN ? = 1 AND NOT EXISTS (SELECT 1 FROM certificates WHERE is_admin = 1) THEN 1 ELSE 0 END)
       RETURNING ${CERT_COLUMNS}`,
    ),
    certByFingerprint: db.prepare(`SELECT ${CERT_COLUMNS} FROM certificates WHERE fingerprint = ?`),
    certBySerial: db.prepare(`SELECT ${CERT_COLUMNS} FROM certificates WHERE serial = ?`),
    listCertificates: db.prepare(
      `SELECT ${CERT_COLUMNS} FROM certificates WHERE ? IS NULL OR fingerprint = ? OR issued_to = ? ORDER BY created_at DESC, serial`,
    ),
    revokeCertificate: db.prepare(
      "UPDATE certificates SET status = 'revoked', revoked_at = ? WHERE serial = ? AND status = 'valid'",
    ),
    appendAudit: db.prepare("INSERT INTO audit_log (at, event, actor, detail) VALUES (?, ?, ?, ?)"),
    listAudit: db.prepare(
      "SELECT id, at, event, actor, detail FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?",
    ),
    countAudit: db.prepare("SELECT COUNT(*) AS n FROM audit_log"),
    insertShort: db.prepare(
      `INSERT INTO short_urls (id, target, owner, created_at, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    findShort: db.prepare(
      `SELECT ${SHORT_COLUMNS} FROM short_urls WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)`,
    ),
    addClicks: db.prepare("UPDATE short_urls SET clicks = clicks + ? WHERE id = ?"),
    deleteShort: db.prepare("DELETE FROM short_urls WHERE id = ?"),
    listShort: db.prepare(
      `SELECT ${SHORT_COLUMNS} FROM short_urls WHERE (owner = ? OR ? IS NULL) AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at DESC, id LIMIT ? OFFSET ?`,
    ),
    countShort: db.prepare(
      "SELECT COUNT(*) AS n FROM short_urls WHERE (owner = ? OR ? IS NULL) AND (expires_at IS NULL OR expires_at > ?)",
    ),
    deleteExpiredShort: db.prepare(
      "DELETE FROM short_urls WHERE id IN (SELECT id FROM short_urls WHERE expires_at <= ? LIMIT ?)",
    ),
    putFunctionClient: db.prepare(
      `INSERT INTO function_clients (public_key, secret_hash, created_at) VALUES (?, ?, ?)
       ON CONFLICT (public_key) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at`,
    ),
    removeFunctionClient: db.prepare("DELETE FROM function_clients WHERE public_key = ?"),
    purgeFunctionClients: db.prepare("DELETE FROM function_clients"),
    listFunctionClients: db.prepare(
      "SELECT public_key, secret_hash, created_at FROM function_clients ORDER BY created_at, public_key",
    ),
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
    deleteCounters: db.prepare(
      "DELETE FROM counters WHERE key IN (SELECT key FROM counters WHERE expires_at <= ? LIMIT ?)",
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/** Which page of whose rows: `owner` null for everyone's. */
interface PageQuery {
  readonly owner: string | null;
  readonly now: number;
  readonly limit: number;
  readonly offset: number;
}

/** One page of the live rows of an owner and their total. */
function ownedPage<T>(
  rows: { readonly list: StatementSync; readonly count: StatementSync; readonly map: (row: Row) => T },
  { owner, now, limit, offset }: PageQuery,
): Page<T> {
  const page = rows.list.all(owner, owner, now, limit, offset) as Row[];
  return { items: page.map(rows.map), total: Number((rows.count.get(owner, owner, now) as Row).n) };
}

function retryWhileLocked(action: () => void, timeoutMs = 10_000): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      action();
      return;
    } catch (err) {
      if (!/database is locked/.test(String(err)) || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/**
 * A piece of an image as download-all reads it: a whole chunk (rows.ts IMAGE_CHUNK). node:sqlite has
 * no incremental blob I/O, so SQLite loads a chunk whole to cut any piece from it: one piece a chunk.
 */
const IMAGE_PIECE = IMAGE_CHUNK;

/** The embedded default: node:sqlite in WAL mode, every statement prepared once. */
export class SqliteStore implements Store {
  readonly backend = "sqlite";
  private readonly db: DatabaseSync;
  private readonly stmt: Statements;

  private readonly path: string;
  /** The read-only connections of image downloads in progress (streamImages). */
  private readonly readers = new Set<DatabaseSync>();

  constructor(path: string) {
    this.path = path;
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    // busy_timeout first: another process may hold the write lock while this one starts.
    this.db.exec("PRAGMA busy_timeout = 5000");
    // Switching to WAL takes an exclusive lock and, unlike other statements, does not wait on the
    // busy timeout: when processes start together, retry for a while.
    retryWhileLocked(() => this.db.exec("PRAGMA journal_mode = WAL"));
    this.db.exec("PRAGMA synchronous = NORMAL");
    this.db.exec("PRAGMA foreign_keys = ON");
    this.migrate();
    this.stmt = prepareStatements(this.db);
  }

  private migrate(): void {
    this.db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    );
    for (const migration of sqliteMigrations) {
      // Of several processes starting at once, one applies each migration and the others see it applied.
      this.immediate(() => {
        const done = this.db
          .prepare("SELECT 1 FROM schema_migrations WHERE version = ?")
          .get(migration.version);
        if (!done) {
          this.db.exec(migration.sql);
          this.db
            .prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)")
            .run(migration.version, Math.floor(Date.now() / 1000));
        }
      });
    }
  }

  /**
   * Runs `fn` in a transaction that takes the write lock up front (BEGIN IMMEDIATE): node:sqlite is
   * synchronous, so nothing in this process interleaves, and no other process writes in between.
   */
  private immediate<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
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

  async getOrCreateSecret(name: string, candidate: string, now: number): Promise<string> {
    this.stmt.insertSecret.run(name, candidate, now);
    return (this.stmt.selectSecret.get(name) as Row).value as string;
  }

  async consumeNonce(nonce: string, expiresAt: number): Promise<boolean> {
    return Number(this.stmt.consumeNonce.run(nonce, expiresAt).changes) === 1;
  }

  async incrementCounter(key: string, windowStart: number, expiresAt: number): Promise<number> {
    return Number((this.stmt.incrementCounter.get(key, windowStart, expiresAt) as Row).count);
  }

  async readCounter(key: string, windowStart: number): Promise<number> {
    const row = this.stmt.readCounter.get(key, windowStart) as Row | undefined;
    return row ? Number(row.count) : 0;
  }

  async updateState<T>(key: string, update: (current: T | undefined) => T): Promise<T> {
    // No other process reads the old value between our read and our write.
    return this.immediate(() => {
      const next = update(this.readStateSync<T>(key));
      this.stmt.writeState.run(key, JSON.stringify(next));
      return next;
    });
  }

  async readState<T>(key: string): Promise<T | undefined> {
    return this.readStateSync<T>(key);
  }

  private readStateSync<T>(key: string): T | undefined {
    const row = this.stmt.readState.get(key) as Row | undefined;
    return row ? (JSON.parse(row.value as string) as T) : undefined;
  }

  async deleteExpiredEphemera(now: number, limit: number): Promise<number> {
    const nonces = Number(this.stmt.deleteNonces.run(now, limit).changes);
    return nonces + Number(this.stmt.deleteCounters.run(now, limit).changes);
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

  async insertShortUrl(u: NewShortUrl): Promise<boolean> {
    const result = this.stmt.insertShort.run(u.id, u.target, u.owner, u.createdAt, u.expiresAt);
    return Number(result.changes) === 1;
  }

  async findShortUrl(id: string, now: number): Promise<ShortUrlRecord | undefined> {
    const row = this.stmt.findShort.get(id, now) as Row | undefined;
    return row ? toShortUrl(row) : undefined;
  }

  async addClicks(clicks: ReadonlyMap<string, number>): Promise<void> {
    if (clicks.size === 0) return;
    this.immediate(() => {
      for (const [id, n] of clicks) this.stmt.addClicks.run(n, id);
    });
  }

  async deleteShortUrl(id: string): Promise<boolean> {
    return Number(this.stmt.deleteShort.run(id).changes) === 1;
  }

  async listShortUrls(
    owner: string | null,
    now: number,
    limit: number,
    offset: number,
  ): Promise<Page<ShortUrlRecord>> {
    return ownedPage(
      { list: this.stmt.listShort, count: this.stmt.countShort, map: toShortUrl },
      { owner, now, limit, offset },
    );
  }

  async deleteExpiredShortUrls(now: number, limit: number): Promise<number> {
    return Number(this.stmt.deleteExpiredShort.run(now, limit).changes);
  }

  async putFunctionClient(c: FunctionClient): Promise<void> {
    this.stmt.putFunctionClient.run(c.publicKey, c.secretHash, c.createdAt);
  }

  async removeFunctionClient(publicKey: string): Promise<boolean> {
    return Number(this.stmt.removeFunctionClient.run(publicKey).changes) === 1;
  }

  async purgeFunctionClients(): Promise<number> {
    return Number(this.stmt.purgeFunctionClients.run().changes);
  }

  async listFunctionClients(): Promise<FunctionClient[]> {
    return (this.stmt.listFunctionClients.all() as Row[]).map((row) => ({
      publicKey: row.public_key as string,
      secretHash: row.secret_hash as string,
      createdAt: Number(row.created_at),
    }));
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

  async getCa(): Promise<CaRecord | undefined> {
    const row = this.stmt.getCa.get() as Row | undefined;
    if (!row) return undefined;
    return {
      commonName: row.common_name as string,
      certificatePem: row.certificate_pem as string,
      encryptedKey: row.encrypted_key as string,
      fingerprint: row.fingerprint as string,
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
    };
  }

  async insertCa(ca: CaRecord): Promise<boolean> {
    const result = this.stmt.insertCa.run(
      ca.commonName,
      ca.certificatePem,
      ca.encryptedKey,
      ca.fingerprint,
      ca.createdAt,
      ca.expiresAt,
    );
    return Number(result.changes) === 1;
  }

  async insertCertificate(c: NewCertificate, firstBecomesAdmin: boolean): Promise<CertificateRecord> {
    const row = this.stmt.insertCertificate.get(
      c.serial,
      c.commonName,
      c.fingerprint,
      c.createdAt,
      c.expiresAt,
      c.issuedTo,
      firstBecomesAdmin ? 1 : 0,
    ) as Row;
    return toCertificate(row);
  }

  async findCertificateByFingerprint(fingerprint: string): Promise<CertificateRecord | undefined> {
    const row = this.stmt.certByFingerprint.get(fingerprint) as Row | undefined;
    return row ? toCertificate(row) : undefined;
  }

  async findCertificateBySerial(serial: string): Promise<CertificateRecord | undefined> {
    const row = this.stmt.certBySerial.get(serial) as Row | undefined;
    return row ? toCertificate(row) : undefined;
  }

  async listCertificates(fingerprint: string | null): Promise<CertificateRecord[]> {
    return (this.stmt.listCertificates.all(fingerprint, fingerprint, fingerprint) as Row[]).map(
      toCertificate,
    );
  }

  async revokeCertificate(serial: string, now: number): Promise<boolean> {
    return Number(this.stmt.revokeCertificate.run(now, serial).changes) === 1;
  }

  async appendAudit(e: Omit<AuditEvent, "id">): Promise<void> {
    this.stmt.appendAudit.run(e.at, e.event, e.actor, JSON.stringify(e.detail));
  }

  async listAudit(limit: number, offset: number): Promise<Page<AuditEvent>> {
    const rows = this.stmt.listAudit.all(limit, offset) as Row[];
    return {
      items: rows.map((r) => ({
        id: Number(r.id),
        at: Number(r.at),
        event: r.event as string,
        actor: (r.actor as string | null) ?? null,
        detail: JSON.parse(r.detail as string) as Record<string, unknown>,
      })),
      total: Number((this.stmt.countAudit.get() as Row).n),
    };
  }

  async ping(): Promise<void> {
    this.stmt.ping.get();
  }

  async sizeBytes(): Promise<number> {
    if (this.path === ":memory:") return 0;
    const size = (file: string) => statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    return size(this.path) + size(`${this.path}-wal`);
  }

  /** A consistent copy of the live database (SQLite's online backup), safe while others write. */
  async backupTo(path: string): Promise<number> {
    return backup(this.db, path);
  }

  async close(): Promise<void> {
    // A download still streaming ends short: its next read fails.
    for (const reader of this.readers) reader.close();
    this.readers.clear();
    if (this.db.isOpen) this.db.close();
  }
}

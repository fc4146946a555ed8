import pg from "pg";
import {
  CERT_COLUMNS,
  contentOf,
  EMPTY,
  IMAGE_COLUMNS,
  ImageAssembly,
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
import { StoreUnavailable } from "../store.errors.ts";
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
import { postgresMigrations } from "./postgres.migrations.ts";

/** `?` placeholders, as the SQLite store writes them, numbered for PostgreSQL ($1, $2, …). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const bytes = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
/**
 * A piece of an image as download-all reads it (a slice of one of its chunks): a query each. Small,
 * so that node-postgres reads a row (twice the piece, as hex text) in one or two socket reads and
 * what it allocates for it dies young: with pieces of 256 KiB and more, its message buffers outlive
 * collections, and the process grew by twice as much or more in the memory test
 * (test/e2e/accounts-download-memory.test.ts).
 */
const IMAGE_PIECE = 32 * 1024;
const MIGRATION_LOCK = 7_041_991; // pg_advisory_xact_lock key: one migrator at a time
const UNIQUE_VIOLATION = "23505";

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "EAI_AGAIN",
]);

/** The database cannot be reached (down, restarting, network): a 503 the client may retry, not a 500. */
function unavailable(err: unknown): unknown {
  const e = err as { code?: string; message?: string };
  const code = String(e.code ?? "");
  const down =
    NETWORK_CODES.has(code) ||
    /^(08|57P)/.test(code) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
      String(e.message ?? ""),
    );
  return down ? new StoreUnavailable(err) : err;
}

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

/**
 * PostgreSQL through node-postgres (`SEALBIN_DATABASE_URL=postgres://…`): a connection pool, the
 * same tables and rules as the SQLite store, and the atomicity SQLite gets from its single writer
 * made explicit (advisory locks, a unique index for the one admin, RETURNING).
 */
export class PostgresStore implements Store {
  readonly backend = "postgres";
  private readonly pool: pg.Pool;
  private readyPromise: Promise<void> | undefined;

  constructor(url: string, poolSize = 10) {
    this.pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
    // An idle client losing its connection (the server restarting) must not crash the process.
    this.pool.on("error", () => undefined);
    void this.ready.catch(() => undefined);
  }

  /** Migrated and usable; when the database was down, the next call tries again. */
  private get ready(): Promise<void> {
    this.readyPromise ??= this.migrate().catch((err: unknown) => {
      this.readyPromise = undefined;
      throw unavailable(err);
    });
    return this.readyPromise;
  }

  private async migrate(): Promise<void> {
    await this.tx(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      await c.query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
      );
      const done = new Set(
        (await c.query("SELECT version FROM schema_migrations")).rows.map((r) => Number(r.version)),
      );
      for (const m of postgresMigrations) {
        if (done.has(m.version)) continue;
        await c.query(m.sql);
        await c.query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", [
          m.version,
          Math.floor(Date.now() / 1000),
        ]);
      }
    }, false);
  }

  private async q(sql: string, params: unknown[] = [], on: Queryable = this.pool): Promise<Row[]> {
    if (on === this.pool) await this.ready;
    try {
      return (await on.query(numbered(sql), params)).rows as Row[];
    } catch (err) {
      throw unavailable(err);
    }
  }

  private async run(sql: string, params: unknown[] = []): Promise<number> {
    await this.ready;
    try {
      return (await this.pool.query(numbered(sql), params)).rowCount ?? 0;
    } catch (err) {
      throw unavailable(err);
    }
  }

  private async one(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.q(sql, params))[0];
  }

  /** The first row of a statement each pooled connection prepares once: for queries run by the thousand. */
  private async prepared(name: string, sql: string, params: unknown[]): Promise<Row | undefined> {
    await this.ready;
    try {
      return (await this.pool.query({ name, text: numbered(sql), values: params })).rows[0] as
        | Row
        | undefined;
    } catch (err) {
      throw unavailable(err);
    }
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>, waitReady = true): Promise<T> {
    if (waitReady) await this.ready;
    const c = await this.pool.connect().catch((err: unknown) => {
      throw unavailable(err);
    });
    try {
      await c.query("BEGIN");
      const result = await fn(c);
      await c.query("COMMIT");
      return result;
    } catch (err) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw unavailable(err);
    } finally {
      c.release();
    }
  }

  async insertPaste(p: NewPaste): Promise<boolean> {
    const sql = `INSERT INTO pastes (${META_COLUMNS}, content, blob_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`;
    const chunked = isChunked(p.content) ? p.content : undefined;
    const params: unknown[] = [p.id, p.owner, p.mimeType, p.size, p.createdAt, p.expiresAt, p.idleTtl];
    params.push(p.burnAfterRead ? 1 : 0, p.passwordHash);
    params.push(isChunked(p.content) ? bytes(EMPTY) : bytes(p.content), chunked?.blobId ?? null);
    if (!chunked) return (await this.run(sql, params)) === 1;
    return this.tx(async (c) => {
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
    const row = await this.one(`SELECT ${META_COLUMNS} FROM pastes WHERE id = ? AND expires_at > ?`, [
      id,
      now,
    ]);
    return row ? toMeta(row) : undefined;
  }

  async readPaste(id: string, now: number): Promise<PasteForRead | undefined> {
    const row = await this.one(
      `SELECT ${META_COLUMNS}, CASE WHEN password_hash IS NULL AND burn_after_read = 0 THEN content END AS content, blob_id FROM pastes WHERE id = ? AND expires_at > ?`,
      [id, now],
    );
    if (!row) return undefined;
    return { ...toMeta(row), content: row.content === null ? undefined : contentOf(row) };
  }

  async readContent(id: string, now: number): Promise<StoredContent | undefined> {
    const row = await this.one("SELECT content, blob_id FROM pastes WHERE id = ? AND expires_at > ?", [
      id,
      now,
    ]);
    return row ? contentOf(row) : undefined;
  }

  async burnPaste(id: string, now: number, graceUntil: number): Promise<StoredContent | undefined> {
    return this.tx(async (c) => {
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
    await this.run(
      "UPDATE pastes SET expires_at = ? WHERE id = ? AND idle_ttl IS NOT NULL AND expires_at < ?",
      [expiresAt, id, expiresAt],
    );
  }

  async deletePaste(id: string): Promise<boolean> {
    return this.tx(async (c) => {
      const { rows } = await c.query("DELETE FROM pastes WHERE id = $1 RETURNING blob_id", [id]);
      const blobId = (rows[0] as Row | undefined)?.blob_id;
      if (blobId) await c.query("DELETE FROM blobs WHERE id = $1", [blobId]);
      return rows.length === 1;
    });
  }

  async openBlob(blobId: string, reapAfter: number): Promise<void> {
    await this.run("INSERT INTO blobs (id, reap_after) VALUES (?, ?)", [blobId, reapAfter]);
  }

  async writeChunk(blobId: string, seq: number, data: Uint8Array): Promise<void> {
    await this.run("INSERT INTO blob_chunks (blob_id, seq, data) VALUES (?, ?, ?)", [
      blobId,
      seq,
      bytes(data),
    ]);
  }

  async readChunk(blobId: string, seq: number): Promise<Uint8Array | undefined> {
    const row = await this.one("SELECT data FROM blob_chunks WHERE blob_id = ? AND seq = ?", [blobId, seq]);
    return row ? (row.data as Buffer) : undefined;
  }

  async dropBlob(blobId: string): Promise<void> {
    await this.run("DELETE FROM blobs WHERE id = ?", [blobId]);
  }

  async reapBlobs(now: number, limit: number): Promise<number> {
    return this.run(
      "DELETE FROM blobs WHERE id IN (SELECT id FROM blobs WHERE reap_after IS NOT NULL AND reap_after <= ? LIMIT ?)",
      [now, limit],
    );
  }

  async deleteExpiredPastes(now: number, limit: number): Promise<number> {
    return this.run("DELETE FROM pastes WHERE id IN (SELECT id FROM pastes WHERE expires_at <= ? LIMIT ?)", [
      now,
      limit,
    ]);
  }

  async getOrCreateSecret(name: string, candidate: string, now: number): Promise<string> {
    await this.run(
      "INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
      [name, candidate, now],
    );
    return (await this.one("SELECT value FROM secrets WHERE name = ?", [name]))?.value as string;
  }

  async consumeNonce(nonce: string, expiresAt: number): Promise<boolean> {
    const sql = "INSERT INTO pow_nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING";
    return (await this.run(sql, [nonce, expiresAt])) === 1;
  }

  async incrementCounter(key: string, windowStart: number, expiresAt: number): Promise<number> {
    const row = await this.one(
      `INSERT INTO counters (key, window_start, expires_at, count) VALUES (?, ?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN counters.window_start = excluded.window_start THEN counters.count + 1 ELSE 1 END,
         window_start = excluded.window_start,
         expires_at = excluded.expires_at
       RETURNING count`,
      [key, windowStart, expiresAt],
    );
    return Number(row?.count);
  }

  async readCounter(key: string, windowStart: number): Promise<number> {
    const row = await this.one("SELECT count FROM counters WHERE key = ? AND window_start = ?", [
      key,
      windowStart,
    ]);
    return row ? Number(row.count) : 0;
  }

  async updateState<T>(key: string, update: (current: T | undefined) => T): Promise<T> {
    // The advisory lock serializes every read-modify-write of this key across all processes, also
    // while the row does not exist yet (FOR UPDATE could not lock a missing row).
    return this.tx(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`state:${key}`]);
      const row = (await this.q("SELECT value FROM shared_state WHERE key = ?", [key], c))[0];
      const next = update(row ? (JSON.parse(row.value as string) as T) : undefined);
      await this.q(
        "INSERT INTO shared_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, JSON.stringify(next)],
        c,
      );
      return next;
    });
  }

  async readState<T>(key: string): Promise<T | undefined> {
    const row = await this.one("SELECT value FROM shared_state WHERE key = ?", [key]);
    return row ? (JSON.parse(row.value as string) as T) : undefined;
  }

  async deleteExpiredEphemera(now: number, limit: number): Promise<number> {
    const nonces = await this.run(
      "DELETE FROM pow_nonces WHERE nonce IN (SELECT nonce FROM pow_nonces WHERE expires_at <= ? LIMIT ?)",
      [now, limit],
    );
    const counters = await this.run(
      "DELETE FROM counters WHERE key IN (SELECT key FROM counters WHERE expires_at <= ? LIMIT ?)",
      [now, limit],
    );
    return nonces + counters;
  }

  /** One page of the live rows of an owner (null: everyone's) and their total. */
  private async ownedPage<T>(
    rows: {
      readonly table: string;
      readonly columns: string;
      readonly live: string;
      readonly map: (r: Row) => T;
    },
    page: {
      readonly owner: string | null;
      readonly now: number;
      readonly limit: number;
      readonly offset: number;
    },
  ): Promise<Page<T>> {
    const { table, columns, live, map } = rows;
    const { owner, now, limit, offset } = page;
    const where = `(owner = ? OR CAST(? AS TEXT) IS NULL) AND ${live}`;
    const found = await this.q(
      `SELECT ${columns} FROM ${table} WHERE ${where} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`,
      [owner, owner, now, limit, offset],
    );
    const total = Number(
      (await this.one(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, [owner, owner, now]))?.n,
    );
    return { items: found.map(map), total };
  }

  listPastes(owner: string | null, now: number, limit: number, offset: number): Promise<Page<PasteMeta>> {
    return this.ownedPage(
      { table: "pastes", columns: META_COLUMNS, live: "expires_at > ?", map: toMeta },
      { owner, now, limit, offset },
    );
  }

  async insertShortUrl(u: NewShortUrl): Promise<boolean> {
    const sql =
      "INSERT INTO short_urls (id, target, owner, created_at, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
    return (await this.run(sql, [u.id, u.target, u.owner, u.createdAt, u.expiresAt])) === 1;
  }

  async findShortUrl(id: string, now: number): Promise<ShortUrlRecord | undefined> {
    const row = await this.one(
      `SELECT ${SHORT_COLUMNS} FROM short_urls WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)`,
      [id, now],
    );
    return row ? toShortUrl(row) : undefined;
  }

  async addClicks(clicks: ReadonlyMap<string, number>): Promise<void> {
    if (clicks.size === 0) return;
    // One statement for the whole batch.
    await this.run(
      "UPDATE short_urls SET clicks = short_urls.clicks + c.n FROM unnest(?::text[], ?::bigint[]) AS c(id, n) WHERE short_urls.id = c.id",
      [[...clicks.keys()], [...clicks.values()]],
    );
  }

  async deleteShortUrl(id: string): Promise<boolean> {
    return (await this.run("DELETE FROM short_urls WHERE id = ?", [id])) === 1;
  }

  listShortUrls(
    owner: string | null,
    now: number,
    limit: number,
    offset: number,
  ): Promise<Page<ShortUrlRecord>> {
    return this.ownedPage(
      {
        table: "short_urls",
        columns: SHORT_COLUMNS,
        live: "(expires_at IS NULL OR expires_at > ?)",
        map: toShortUrl,
      },
      { owner, now, limit, offset },
    );
  }

  async deleteExpiredShortUrls(now: number, limit: number): Promise<number> {
    return this.run(
      "DELETE FROM short_urls WHERE id IN (SELECT id FROM short_urls WHERE expires_at <= ? LIMIT ?)",
      [now, limit],
    );
  }

  async putFunctionClient(c: FunctionClient): Promise<void> {
    await this.run(
      `INSERT INTO function_clients (public_key, secret_hash, created_at) VALUES (?, ?, ?)
       ON CONFLICT (public_key) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at`,
      [c.publicKey, c.secretHash, c.createdAt],
    );
  }

  async removeFunctionClient(publicKey: string): Promise<boolean> {
    return (await this.run("DELETE FROM function_clients WHERE public_key = ?", [publicKey])) === 1;
  }

  purgeFunctionClients(): Promise<number> {
    return this.run("DELETE FROM function_clients");
  }

  async listFunctionClients(): Promise<FunctionClient[]> {
    const rows = await this.q(
      "SELECT public_key, secret_hash, created_at FROM function_clients ORDER BY created_at, public_key",
    );
    return rows.map((r) => ({
      publicKey: r.public_key as string,
      secretHash: r.secret_hash as string,
      createdAt: Number(r.created_at),
    }));
  }

  async insertUser(u: UserRecord): Promise<boolean> {
    const sql = `INSERT INTO users (id, username, username_key, password_hash, public_key, created_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;
    return (
      (await this.run(sql, [
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
    const row = await this.one(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`, [id]);
    return row ? toUser(row) : undefined;
  }

  async findUserByName(username: string): Promise<UserRecord | undefined> {
    const row = await this.one(`SELECT ${USER_COLUMNS} FROM users WHERE username_key = ?`, [
      username.toLowerCase(),
    ]);
    return row ? toUser(row) : undefined;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.q(`SELECT ${USER_COLUMNS} FROM users ORDER BY created_at, seq`)).map(toUser);
  }

  async insertImage(i: ImageRecord): Promise<boolean> {
    const sql = `INSERT INTO images (id, owner_id, name, stem, mime_type, size, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;
    const params = [i.id, i.ownerId, i.name, i.stem, i.mimeType, i.content.length, i.createdAt];
    return this.tx(async (c) => {
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
    return this.tx(async (c) => {
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
    return (await this.q(sql, [ownerId])).map(toImage);
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
        this.q(
          `SELECT ${IMAGE_COLUMNS}, created_at AS pos_a, seq AS pos_b FROM images
           WHERE owner_id = ? AND (created_at, seq) > (?, ?) ORDER BY created_at, seq LIMIT ?`,
          [owner, a, b, limit],
        ),
      begin: async () => undefined,
      end: async () => undefined,
      piece: async (imageId, part, seq, offset, length) =>
        toImagePiece(
          await this.prepared(
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
    return Number((await this.one("SELECT COUNT(*) AS n FROM images WHERE owner_id = ?", [ownerId]))?.n);
  }

  async replaceImage(
    id: string,
    u: { content: Uint8Array; mimeType: string; quotient: string },
  ): Promise<boolean> {
    return this.tx(async (c) => {
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
    return (await this.run("DELETE FROM images WHERE id = ?", [id])) === 1;
  }

  async listPermissions(imageId: string): Promise<ImagePermission[]> {
    return (
      await this.q("SELECT user_id, role FROM image_permissions WHERE image_id = ? ORDER BY seq", [imageId])
    ).map(toPermission);
  }

  async findPermission(imageId: string, userId: string): Promise<ImagePermission | undefined> {
    const row = await this.one(
      "SELECT user_id, role FROM image_permissions WHERE image_id = ? AND user_id = ?",
      [imageId, userId],
    );
    return row ? toPermission(row) : undefined;
  }

  async insertPermission(imageId: string, p: ImagePermission): Promise<boolean> {
    const sql =
      "INSERT INTO image_permissions (image_id, user_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
    return (await this.run(sql, [imageId, p.userId, p.role])) === 1;
  }

  async updatePermission(imageId: string, p: ImagePermission): Promise<boolean> {
    const sql = "UPDATE image_permissions SET role = ? WHERE image_id = ? AND user_id = ?";
    return (await this.run(sql, [p.role, imageId, p.userId])) === 1;
  }

  async deletePermission(imageId: string, userId: string): Promise<boolean> {
    return (
      (await this.run("DELETE FROM image_permissions WHERE image_id = ? AND user_id = ?", [
        imageId,
        userId,
      ])) === 1
    );
  }

  async getCa(): Promise<CaRecord | undefined> {
    const row = await this.one(
      "SELECT common_name, certificate_pem, encrypted_key, fingerprint, created_at, expires_at FROM pki_ca WHERE id = 1",
    );
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
    const sql = `INSERT INTO pki_ca (id, common_name, certificate_pem, encrypted_key, fingerprint, created_at, expires_at)
       VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`;
    return (
      (await this.run(sql, [
        ca.commonName,
        ca.certificatePem,
        ca.encryptedKey,
        ca.fingerprint,
        ca.createdAt,
        ca.expiresAt,
      ])) === 1
    );
  }

  async insertCertificate(c: NewCertificate, firstBecomesAdmin: boolean): Promise<CertificateRecord> {
    const sql = `INSERT INTO certificates (serial, common_name, fingerprint, created_at, expires_at, issued_to, is_admin)
       VALUES (?, ?, ?, ?, ?, ?, CASE WHEN CAST(? AS INTEGER) = 1 AND NOT EXISTS (SELECT 1 FROM certificates WHERE is_admin = 1) THEN 1 ELSE 0 END)
       RETURNING ${CERT_COLUMNS}`;
    const params = [c.serial, c.commonName, c.fingerprint, c.createdAt, c.expiresAt, c.issuedTo];
    try {
      return toCertificate((await this.q(sql, [...params, firstBecomesAdmin ? 1 : 0]))[0] as Row);
    } catch (err) {
      // Two first registrations at once: the unique index lets one be admin; the other is a user.
      const e = err as { code?: string; constraint?: string };
      if (!firstBecomesAdmin || e.code !== UNIQUE_VIOLATION || e.constraint !== "certificates_one_admin")
        throw err;
      return toCertificate((await this.q(sql, [...params, 0]))[0] as Row);
    }
  }

  async findCertificateByFingerprint(fingerprint: string): Promise<CertificateRecord | undefined> {
    const row = await this.one(`SELECT ${CERT_COLUMNS} FROM certificates WHERE fingerprint = ?`, [
      fingerprint,
    ]);
    return row ? toCertificate(row) : undefined;
  }

  async findCertificateBySerial(serial: string): Promise<CertificateRecord | undefined> {
    const row = await this.one(`SELECT ${CERT_COLUMNS} FROM certificates WHERE serial = ?`, [serial]);
    return row ? toCertificate(row) : undefined;
  }

  async listCertificates(fingerprint: string | null): Promise<CertificateRecord[]> {
    const rows = await this.q(
      `SELECT ${CERT_COLUMNS} FROM certificates WHERE CAST(? AS TEXT) IS NULL OR fingerprint = ? OR issued_to = ? ORDER BY created_at DESC, serial`,
      [fingerprint, fingerprint, fingerprint],
    );
    return rows.map(toCertificate);
  }

  async revokeCertificate(serial: string, now: number): Promise<boolean> {
    const sql =
      "UPDATE certificates SET status = 'revoked', revoked_at = ? WHERE serial = ? AND status = 'valid'";
    return (await this.run(sql, [now, serial])) === 1;
  }

  async appendAudit(e: Omit<AuditEvent, "id">): Promise<void> {
    await this.run("INSERT INTO audit_log (at, event, actor, detail) VALUES (?, ?, ?, ?)", [
      e.at,
      e.event,
      e.actor,
      JSON.stringify(e.detail),
    ]);
  }

  async listAudit(limit: number, offset: number): Promise<Page<AuditEvent>> {
    const rows = await this.q(
      "SELECT id, at, event, actor, detail FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?",
      [limit, offset],
    );
    return {
      items: rows.map((r) => ({
        id: Number(r.id),
        at: Number(r.at),
        event: r.event as string,
        actor: (r.actor as string | null) ?? null,
        detail: JSON.parse(r.detail as string) as Record<string, unknown>,
      })),
      total: Number((await this.one("SELECT COUNT(*) AS n FROM audit_log"))?.n),
    };
  }

  async ping(): Promise<void> {
    await this.q("SELECT 1 AS ok");
  }

  async sizeBytes(): Promise<number> {
    return Number((await this.one("SELECT pg_database_size(current_database()) AS n"))?.n);
  }

  private closing: Promise<void> | undefined;

  close(): Promise<void> {
    this.closing ??= this.ready.catch(() => undefined).then(() => this.pool.end());
    return this.closing;
  }
}

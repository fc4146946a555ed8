/**
 * Versioned migrations, applied in order at start, each in its own transaction. Never edit one that
 * has shipped: add the next.
 */
export const sqliteMigrations: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE pastes (
        id TEXT PRIMARY KEY,
        owner TEXT,
        mime_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        idle_ttl INTEGER,
        burn_after_read INTEGER NOT NULL DEFAULT 0,
        password_hash TEXT,
        content BLOB NOT NULL
      );
      CREATE INDEX pastes_expires_at ON pastes (expires_at);
      CREATE INDEX pastes_owner_created_at ON pastes (owner, created_at);
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE pow_nonces (nonce TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
      CREATE INDEX pow_nonces_expires_at ON pow_nonces (expires_at);
      CREATE TABLE counters (
        key TEXT PRIMARY KEY,
        window_start INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        count INTEGER NOT NULL
      );
      CREATE INDEX counters_expires_at ON counters (expires_at);
      CREATE TABLE shared_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    version: 3,
    sql: `
      CREATE TABLE pki_ca (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        common_name TEXT NOT NULL,
        certificate_pem TEXT NOT NULL,
        encrypted_key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE TABLE certificates (
        serial TEXT PRIMARY KEY,
        common_name TEXT NOT NULL,
        fingerprint TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        issued_to TEXT,
        status TEXT NOT NULL DEFAULT 'valid',
        revoked_at INTEGER,
        is_admin INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX certificates_issued_to ON certificates (issued_to);
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        event TEXT NOT NULL,
        actor TEXT,
        detail TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    sql: `
      CREATE TABLE short_urls (
        id TEXT PRIMARY KEY,
        target TEXT NOT NULL,
        owner TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        clicks INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX short_urls_owner ON short_urls (owner, created_at);
      CREATE INDEX short_urls_expires ON short_urls (expires_at) WHERE expires_at IS NOT NULL;
    `,
  },
  {
    version: 5,
    sql: `
      CREATE TABLE function_clients (
        public_key TEXT PRIMARY KEY,
        secret_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 6,
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL,
        username_key TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        public_key TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE images (
        id TEXT PRIMARY KEY,
        owner_id TEXT NOT NULL REFERENCES users (id),
        name TEXT NOT NULL,
        stem TEXT NOT NULL,
        mime_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        content BLOB NOT NULL,
        quotient TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (owner_id, stem)
      );
      CREATE TABLE image_permissions (
        image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users (id),
        role TEXT NOT NULL CHECK (role IN ('read', 'write')),
        PRIMARY KEY (image_id, user_id)
      );
    `,
  },
  {
    // Large contents: chunks in their own table. A blob with a reap_after time belongs to no paste
    // (an upload in progress, or content whose paste was deleted) and is reaped by the sweep.
    version: 7,
    sql: `
      CREATE TABLE blobs (id TEXT PRIMARY KEY, reap_after INTEGER);
      CREATE INDEX blobs_reap_after ON blobs (reap_after) WHERE reap_after IS NOT NULL;
      CREATE TABLE blob_chunks (
        blob_id TEXT NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (blob_id, seq)
      );
      ALTER TABLE pastes ADD COLUMN blob_id TEXT;
      CREATE TRIGGER pastes_release_blob AFTER DELETE ON pastes WHEN OLD.blob_id IS NOT NULL
      BEGIN
        UPDATE blobs SET reap_after = 0 WHERE id = OLD.blob_id AND reap_after IS NULL;
      END;
    `,
  },
  {
    // Images in chunks of 1 MiB (rows.ts IMAGE_CHUNK), their quotient too (as UTF-8): node:sqlite
    // reads a value whole, so a piece of a 50 MiB column cost SQLite all 50 MiB. Existing images move
    // into chunks here; each substr loads the image again (the cost of this one migration, paid once).
    version: 8,
    sql: `
      CREATE TABLE image_chunks (
        image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        part TEXT NOT NULL CHECK (part IN ('content', 'quotient')),
        seq INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (image_id, part, seq)
      );
      INSERT INTO image_chunks (image_id, part, seq, data)
        WITH RECURSIVE seqs (n) AS (
          SELECT 0
          UNION ALL
          SELECT n + 1 FROM seqs
          WHERE (n + 1) * 1048576 < (SELECT max(max(length(content)), max(length(CAST(quotient AS BLOB)))) FROM images)
        )
        SELECT i.id, 'content', s.n, substr(i.content, s.n * 1048576 + 1, 1048576)
        FROM images i JOIN seqs s ON s.n * 1048576 < length(i.content)
        UNION ALL
        SELECT i.id, 'quotient', s.n, substr(CAST(i.quotient AS BLOB), s.n * 1048576 + 1, 1048576)
        FROM images i JOIN seqs s ON s.n * 1048576 < length(CAST(i.quotient AS BLOB));
      ALTER TABLE images DROP COLUMN content;
      ALTER TABLE images DROP COLUMN quotient;
    `,
  },
];

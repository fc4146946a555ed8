/**
 * The PostgreSQL schema, in versions that mirror the SQLite ones (same tables and columns: flags are
 * 0/1 SMALLINTs, times BIGINT Unix seconds), so one row mapping (rows.ts) serves both stores. A
 * `seq` column keeps insertion order where SQLite uses its rowid. Never edit a shipped version.
 */
export const postgresMigrations: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE pastes (
        id TEXT PRIMARY KEY,
        owner TEXT,
        mime_type TEXT NOT NULL,
        size BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        idle_ttl BIGINT,
        burn_after_read SMALLINT NOT NULL DEFAULT 0,
        password_hash TEXT,
        content BYTEA NOT NULL
      );
      CREATE INDEX pastes_expires_at ON pastes (expires_at);
      CREATE INDEX pastes_owner_created_at ON pastes (owner, created_at);
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL, created_at BIGINT NOT NULL);
      CREATE TABLE pow_nonces (nonce TEXT PRIMARY KEY, expires_at BIGINT NOT NULL);
      CREATE INDEX pow_nonces_expires_at ON pow_nonces (expires_at);
      CREATE TABLE counters (
        key TEXT PRIMARY KEY,
        window_start BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        count BIGINT NOT NULL
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
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE TABLE certificates (
        serial TEXT PRIMARY KEY,
        common_name TEXT NOT NULL,
        fingerprint TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        issued_to TEXT,
        status TEXT NOT NULL DEFAULT 'valid',
        revoked_at BIGINT,
        is_admin SMALLINT NOT NULL DEFAULT 0
      );
      CREATE INDEX certificates_issued_to ON certificates (issued_to);
      -- One admin, even when two first registrations race (READ COMMITTED cannot see each other).
      CREATE UNIQUE INDEX certificates_one_admin ON certificates (is_admin) WHERE is_admin = 1;
      CREATE TABLE audit_log (
        id BIGSERIAL PRIMARY KEY,
        at BIGINT NOT NULL,
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
        created_at BIGINT NOT NULL,
        expires_at BIGINT,
        clicks BIGINT NOT NULL DEFAULT 0
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
        created_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 6,
    sql: `
      CREATE TABLE users (
        seq BIGSERIAL UNIQUE,
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL,
        username_key TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        public_key TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE images (
        seq BIGSERIAL UNIQUE,
        id TEXT PRIMARY KEY,
        owner_id TEXT NOT NULL REFERENCES users (id),
        name TEXT NOT NULL,
        stem TEXT NOT NULL,
        mime_type TEXT NOT NULL,
        size BIGINT NOT NULL,
        content BYTEA NOT NULL,
        quotient TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        UNIQUE (owner_id, stem)
      );
      CREATE TABLE image_permissions (
        seq BIGSERIAL UNIQUE,
        image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users (id),
        role TEXT NOT NULL CHECK (role IN ('read', 'write')),
        PRIMARY KEY (image_id, user_id)
      );
    `,
  },
  {
    version: 7,
    sql: `
      CREATE TABLE blobs (id TEXT PRIMARY KEY, reap_after BIGINT);
      CREATE INDEX blobs_reap_after ON blobs (reap_after) WHERE reap_after IS NOT NULL;
      CREATE TABLE blob_chunks (
        blob_id TEXT NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        data BYTEA NOT NULL,
        PRIMARY KEY (blob_id, seq)
      );
      ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
      ALTER TABLE pastes ADD COLUMN blob_id TEXT;
      CREATE FUNCTION sealbin_release_blob() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE blobs SET reap_after = 0 WHERE id = OLD.blob_id AND reap_after IS NULL;
        RETURN NULL;
      END
      $$;
      CREATE TRIGGER pastes_release_blob AFTER DELETE ON pastes
        FOR EACH ROW WHEN (OLD.blob_id IS NOT NULL) EXECUTE FUNCTION sealbin_release_blob();
    `,
  },
  {
    // Images in chunks of 1 MiB (rows.ts IMAGE_CHUNK), their quotient too (as UTF-8), stored
    // uncompressed: a compressed value is decompressed from its start for every slice of it. Existing
    // images move into chunks; the old columns are emptied first so that their TOAST data is freed.
    version: 8,
    sql: `
      CREATE TABLE image_chunks (
        image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        part TEXT NOT NULL CHECK (part IN ('content', 'quotient')),
        seq INTEGER NOT NULL,
        data BYTEA NOT NULL,
        PRIMARY KEY (image_id, part, seq)
      );
      ALTER TABLE image_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
      INSERT INTO image_chunks (image_id, part, seq, data)
        SELECT i.id, 'content', s.n, substring(i.content FROM s.n * 1048576 + 1 FOR 1048576)
        FROM images i, generate_series(0, (octet_length(i.content) - 1) / 1048576) AS s (n)
        WHERE octet_length(i.content) > 0
        UNION ALL
        SELECT i.id, 'quotient', s.n, substring(q.bytes FROM s.n * 1048576 + 1 FOR 1048576)
        FROM images i, convert_to(i.quotient, 'UTF8') AS q (bytes),
          generate_series(0, (octet_length(q.bytes) - 1) / 1048576) AS s (n)
        WHERE octet_length(q.bytes) > 0;
      UPDATE images SET content = '', quotient = '';
      ALTER TABLE images DROP COLUMN content, DROP COLUMN quotient;
    `,
  },
];

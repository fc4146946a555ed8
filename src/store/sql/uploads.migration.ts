/**
 * Resumable uploads (tus, docs/uploads.md): an upload owns a blob from its creation, its chunks are
 * the paste's chunks once complete. The blob's reap_after is the upload's expiry, so an abandoned
 * upload is reaped with its blob (the row goes with it: ON DELETE CASCADE) and leaves nothing.
 */
export const uploadsMigration = {
  version: 16,
  sql: `
    CREATE TABLE uploads (
      id TEXT PRIMARY KEY,
      owner TEXT,
      blob_id TEXT NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
      length BIGINT NOT NULL,
      received BIGINT NOT NULL DEFAULT 0,
      chunks INTEGER NOT NULL DEFAULT 0,
      options TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      paste_id TEXT
    );
    CREATE INDEX uploads_blob_id ON uploads (blob_id);
    CREATE INDEX uploads_expires_at ON uploads (expires_at);
  `,
};

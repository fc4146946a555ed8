import { tokensMigration } from "./tokens.migration.ts";
import { uploadsMigration } from "./uploads.migration.ts";
import { viewLimitsMigration } from "./views.migration.ts";
import { webhooksMigration } from "./webhooks.migration.ts";

/**
 * The migrations both backends run in the same words, from version 9 on (1–8 differ: each backend's
 * file). Applied after the backend's own, in order. Never edit one that has shipped: add the next.
 */
export const sharedMigrations: readonly { version: number; sql: string }[] = [
  {
    // A version per image, raised by every replacement in the transaction that rewrites its chunks:
    // download-all compares it piece by piece, so that no reading holds a snapshot (accounts.images.ts).
    version: 9,
    sql: "ALTER TABLE images ADD COLUMN version INTEGER NOT NULL DEFAULT 0",
  },
  {
    // Addresses whose reads the ID-enumeration guard refuses for the rest of a window: each process
    // keeps the current window's set in memory and reads it again every second (features/abuse).
    version: 10,
    sql: `
      CREATE TABLE read_blocks (key TEXT PRIMARY KEY, window_start BIGINT NOT NULL, expires_at BIGINT NOT NULL);
      CREATE INDEX read_blocks_window_start ON read_blocks (window_start);
      CREATE INDEX read_blocks_expires_at ON read_blocks (expires_at);
    `,
  },
  {
    // Owners' listings by the (owner, created_at) indexes (they scanned every live row before), which
    // now leave anonymous rows out: an anonymous paste or short URL updates one index less.
    version: 11,
    sql: `
      DROP INDEX pastes_owner_created_at;
      CREATE INDEX pastes_owner_created_at ON pastes (owner, created_at) WHERE owner IS NOT NULL;
      DROP INDEX short_urls_owner;
      CREATE INDEX short_urls_owner ON short_urls (owner, created_at) WHERE owner IS NOT NULL;
    `,
  },
  {
    // Moderation (docs/moderation.md): each paste's content hash (the blocklist and its quarantine),
    // the keyed hash of its source while SEALBIN_ABUSE_RECORD_DAYS keeps it, quarantine on pastes
    // and short URLs, reports (with the key a reporter chose to share) and the blocklist.
    version: 12,
    sql: `
      ALTER TABLE pastes ADD COLUMN sha256 TEXT;
      ALTER TABLE pastes ADD COLUMN source_hash TEXT;
      ALTER TABLE pastes ADD COLUMN source_until BIGINT;
      ALTER TABLE pastes ADD COLUMN quarantined_at BIGINT;
      CREATE INDEX pastes_sha256 ON pastes (sha256) WHERE sha256 IS NOT NULL;
      CREATE INDEX pastes_source_hash ON pastes (source_hash) WHERE source_hash IS NOT NULL;
      CREATE INDEX pastes_source_until ON pastes (source_until) WHERE source_until IS NOT NULL;
      ALTER TABLE short_urls ADD COLUMN quarantined_at BIGINT;
      CREATE TABLE reports (
        id TEXT PRIMARY KEY,
        created_at BIGINT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('paste', 'short')),
        target TEXT NOT NULL,
        reason TEXT NOT NULL,
        details TEXT NOT NULL,
        paste_key TEXT,
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'actioned', 'dismissed')),
        resolved_at BIGINT,
        resolved_by TEXT
      );
      CREATE INDEX reports_created_at ON reports (created_at);
      CREATE INDEX reports_target ON reports (kind, target);
      CREATE INDEX reports_resolved_at ON reports (resolved_at) WHERE resolved_at IS NOT NULL;
      CREATE TABLE blocklist (sha256 TEXT PRIMARY KEY, created_at BIGINT NOT NULL, created_by TEXT);
      CREATE INDEX blocklist_created_at ON blocklist (created_at);
    `,
  },
  // From 13 on, each feature's migration lives beside its statements' file.
  viewLimitsMigration,
  tokensMigration,
  webhooksMigration,
  uploadsMigration,
];

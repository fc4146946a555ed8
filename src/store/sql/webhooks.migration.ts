/**
 * Signed webhooks (docs/webhooks.md): owners' registrations and the delivery queue every process
 * shares (a delivery is claimed by one process at a time, deleted once delivered or given up).
 * `events` is space-separated with a space at each end (" paste.read paste.deleted "), so that the
 * statement that queues an owner's event selects the subscribed webhooks with one LIKE.
 */
export const webhooksMigration = {
  version: 15,
  sql: `
    CREATE TABLE webhooks (
      id TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      url TEXT NOT NULL,
      events TEXT NOT NULL,
      secret TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      last_attempt_at BIGINT,
      last_result TEXT,
      failed_deliveries INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX webhooks_owner_url ON webhooks (owner, url);
    CREATE TABLE webhook_deliveries (
      id TEXT PRIMARY KEY,
      webhook_id TEXT,
      event TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      next_attempt_at BIGINT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      claimed_until BIGINT
    );
    CREATE INDEX webhook_deliveries_next_attempt_at ON webhook_deliveries (next_attempt_at);
    CREATE INDEX webhook_deliveries_webhook_id ON webhook_deliveries (webhook_id);
  `,
};

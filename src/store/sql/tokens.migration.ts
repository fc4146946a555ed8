/**
 * Scoped API tokens (docs/tokens.md): only the SHA-256 of each secret is kept, looked up by it;
 * scopes space-separated; last use in coarse steps.
 */
export const tokensMigration = {
  version: 14,
  sql: `
    CREATE TABLE api_tokens (
      id TEXT PRIMARY KEY,
      secret_hash TEXT NOT NULL UNIQUE,
      owner TEXT NOT NULL,
      name TEXT NOT NULL,
      scopes TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      expires_at BIGINT,
      last_used_at BIGINT
    );
    CREATE INDEX api_tokens_owner ON api_tokens (owner, created_at);
    CREATE INDEX api_tokens_expires_at ON api_tokens (expires_at) WHERE expires_at IS NOT NULL;
  `,
};

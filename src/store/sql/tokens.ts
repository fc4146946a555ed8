import type { NewToken, TokenRecord, TokenStore } from "../store.tokens.types.ts";
import type { Driver } from "./driver.ts";
import type { Row } from "./rows.ts";

const COLUMNS = "id, owner, name, scopes, created_at, expires_at, last_used_at";

function toToken(row: Row): TokenRecord {
  return {
    id: row.id as string,
    owner: row.owner as string,
    name: row.name as string,
    scopes: (row.scopes as string).split(" ").filter(Boolean),
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}

/** The statements of API tokens, prepared once. */
function prepare(db: Driver) {
  const live = "(expires_at IS NULL OR expires_at > ?)";
  return {
    // The owner's bound checked in the statement that inserts: concurrent creates on PostgreSQL may
    // pass it by the few that commit together (docs/tokens.md).
    insert: db.prepare(
      `INSERT INTO api_tokens (id, secret_hash, owner, name, scopes, created_at, expires_at)
       SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT),
         CAST(? AS BIGINT), CAST(? AS BIGINT)
       WHERE (SELECT COUNT(*) FROM api_tokens WHERE owner = ? AND ${live}) < CAST(? AS BIGINT)`,
    ),
    find: db.prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE secret_hash = ? AND ${live}`),
    list: db.prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE owner = ? ORDER BY created_at DESC, id`),
    delete: db.prepare("DELETE FROM api_tokens WHERE owner = ? AND id = ?"),
    touch: db.prepare(
      "UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
    ),
    deleteExpired: db.prepare(
      "DELETE FROM api_tokens WHERE id IN (SELECT id FROM api_tokens WHERE expires_at <= ? LIMIT ?)",
    ),
  };
}

/** API tokens: looked up by the hash of their secret, never stored in the clear. */
export class SqlTokens implements TokenStore {
  private readonly q: ReturnType<typeof prepare>;

  constructor(db: Driver) {
    this.q = prepare(db);
  }

  async insertToken(t: NewToken, max: number, now: number): Promise<boolean> {
    const scopes = t.scopes.join(" ");
    const params = [t.id, t.secretHash, t.owner, t.name, scopes, t.createdAt, t.expiresAt, t.owner, now, max];
    return (await this.q.insert.run(...params)) === 1;
  }

  async findTokenBySecret(secretHash: string, now: number): Promise<TokenRecord | undefined> {
    const row = await this.q.find.get(secretHash, now);
    return row ? toToken(row) : undefined;
  }

  async listTokens(owner: string): Promise<readonly TokenRecord[]> {
    return (await this.q.list.all(owner)).map(toToken);
  }

  async deleteToken(owner: string, id: string): Promise<boolean> {
    return (await this.q.delete.run(owner, id)) === 1;
  }

  async touchToken(id: string, now: number, staleBefore: number): Promise<void> {
    await this.q.touch.run(now, id, staleBefore);
  }

  deleteExpiredTokens(before: number, limit: number): Promise<number> {
    return this.q.deleteExpired.run(before, limit);
  }
}

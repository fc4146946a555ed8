/** The API tokens part of the Store port (docs/tokens.md): only a hash of each secret is stored. */

export interface TokenRecord {
  readonly id: string;
  readonly owner: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly lastUsedAt: number | null;
}

export interface NewToken extends Omit<TokenRecord, "lastUsedAt"> {
  /** SHA-256 (hex) of the secret. */
  readonly secretHash: string;
}

export interface TokenStore {
  /** Stores a token unless its owner already has `max` live ones; false when it has. */
  insertToken(token: NewToken, max: number, now: number): Promise<boolean>;
  /** The live (unexpired at `now`) token whose secret hashes to `secretHash`. */
  findTokenBySecret(secretHash: string, now: number): Promise<TokenRecord | undefined>;
  /** The owner's tokens, newest first, expired ones included until the sweep removes them. */
  listTokens(owner: string): Promise<readonly TokenRecord[]>;
  /** Revokes (deletes) the owner's token; false when the owner has none of that id. */
  deleteToken(owner: string, id: string): Promise<boolean>;
  /** Records a use at `now` when the recorded one is older than `staleBefore` (or none). */
  touchToken(id: string, now: number, staleBefore: number): Promise<void>;
  /** Deletes up to `limit` tokens expired before `before`; returns how many. */
  deleteExpiredTokens(before: number, limit: number): Promise<number>;
}

/** Typed calls of the API tokens (docs/tokens.md): create, list, revoke. */
import { ROUTES, type TokenScope } from "../protocol/vocabulary.ts";
import type { SealbinClient } from "./client.ts";

export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly TokenScope[];
  readonly created_at: number;
  readonly expires_at: number | null;
  readonly last_used_at: number | null;
}

/** A new token: `token` is its secret, which the server shows this once. */
export interface NewTokenInfo extends Omit<TokenInfo, "last_used_at"> {
  readonly token: string;
}

export function createToken(
  client: SealbinClient,
  input: { name: string; scopes: readonly TokenScope[]; expiresIn?: number },
): Promise<NewTokenInfo> {
  return client.json<NewTokenInfo>(ROUTES.tokens, {
    method: "POST",
    json: {
      name: input.name,
      scopes: input.scopes,
      ...(input.expiresIn !== undefined && { expires_in: input.expiresIn }),
    },
  });
}

export async function listTokens(client: SealbinClient): Promise<readonly TokenInfo[]> {
  return (await client.json<{ tokens: TokenInfo[] }>(ROUTES.tokens)).tokens;
}

export function revokeToken(client: SealbinClient, id: string): Promise<{ message: string }> {
  return client.json<{ message: string }>(ROUTES.token(id), { method: "DELETE" });
}

import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { allowOnly } from "../../http/errors.ts";
import { createTokenSchema, listTokensSchema, revokeTokenSchema } from "./tokens.schemas.ts";
import type { ApiTokens } from "./tokens.usecases.ts";

/** POST /tokens, GET /tokens, DELETE /tokens/{id} (docs/tokens.md). */
export async function tokenRoutes(app: FastifyInstance, deps: { apiTokens: ApiTokens }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { apiTokens } = deps;
  // JSON only: a text/plain body is 415, not a string the use case would call malformed.
  app.removeContentTypeParser("text/plain");
  r.post("/tokens", { bodyLimit: 4096, schema: createTokenSchema }, async (request, reply) =>
    reply.code(201).send(await apiTokens.create(request.caller, request.body)),
  );
  r.get("/tokens", { schema: listTokensSchema }, async (request) => ({
    tokens: await apiTokens.list(request.caller),
  }));
  allowOnly(app, "/tokens", ["GET", "HEAD", "POST"]);
  r.delete("/tokens/:id", { schema: revokeTokenSchema }, async (request) => {
    await apiTokens.revoke(request.caller, request.params.id);
    return { message: "Token revoked" as const };
  });
  allowOnly(app, "/tokens/:id", ["DELETE"]);
}

import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { allowOnly } from "../../http/errors.ts";
import { challengeSchema } from "./abuse.schemas.ts";
import type { ProofOfWork } from "./pow.usecases.ts";

export async function abuseRoutes(app: FastifyInstance, deps: { pow: ProofOfWork }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get("/challenge", { schema: challengeSchema }, async () => deps.pow.issueChallenge());
  allowOnly(app, "/challenge", ["GET", "HEAD"]);
}

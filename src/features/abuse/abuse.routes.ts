import type { FastifyInstance } from "fastify";
import { allowOnly } from "../../http/errors.ts";
import type { ProofOfWork } from "./pow.usecases.ts";

export async function abuseRoutes(app: FastifyInstance, deps: { pow: ProofOfWork }): Promise<void> {
  app.get("/challenge", async () => deps.pow.issueChallenge());
  allowOnly(app, "/challenge", ["GET", "HEAD"]);
}

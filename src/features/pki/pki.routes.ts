import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.ts";
import { allowOnly } from "../../http/errors.ts";
import { singleHeader } from "../../http/headers.ts";
import { pageOf } from "../../http/paging.ts";
import { HEADERS } from "../../protocol/vocabulary.ts";
import { AppError } from "../../shared/errors.ts";
import type { Store } from "../../store/store.ts";
import type { ProofOfWork } from "../abuse/pow.usecases.ts";
import type { Pki } from "./pki.usecases.ts";

function fieldOf(request: FastifyRequest, name: "common_name" | "pkcs12_password"): unknown {
  const body = request.body;
  return typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

function commonNameOf(request: FastifyRequest): unknown {
  return fieldOf(request, "common_name");
}

/** The PKI endpoints of the API reference and PKI guide, registration and the audit log. */
export async function pkiRoutes(
  app: FastifyInstance,
  deps: { pki: Pki; pow: ProofOfWork; config: Config; store: Store },
): Promise<void> {
  const { pki, pow, config } = deps;
  const write = { config: { rateLimit: "write" as const }, bodyLimit: 16 * 1024 };
  // Signing a CRL decrypts the CA key (scrypt): counted like a write, so it cannot be used to burn CPU.
  const costly = { config: { rateLimit: "write" as const } };
  // A POST with no body at all is fine: every field is optional or checked by the usecase.
  app.addHook("preParsing", async (request) => {
    if (request.headers["content-length"] === "0") delete request.headers["content-type"];
  });

  app.get("/pki", async () => pki.status());
  app.post("/pki/ca", write, async (request, reply) =>
    reply.code(201).send(await pki.createCaView(commonNameOf(request))),
  );
  app.get("/pki/ca.crt", async (_request, reply) =>
    reply.type("application/x-pem-file").send(await pki.caCertificatePem()),
  );
  app.get("/pki/crl", costly, async (_request, reply) =>
    reply.type("application/x-pem-file").send(await pki.crlPem()),
  );
  app.post("/pki/issue", write, async (request, reply) =>
    reply
      .code(201)
      .send(
        await pki.issueForAdmin(request.caller, commonNameOf(request), fieldOf(request, "pkcs12_password")),
      ),
  );
  app.get("/pki/certs", async (request) => pki.listCertificates(request.caller));
  app.post("/pki/revoke/:serial", write, async (request: FastifyRequest<{ Params: { serial: string } }>) =>
    pki.revoke(request.caller, request.params.serial),
  );

  app.get("/register/challenge", async () => pow.issueChallenge(config.registerPow));
  app.post("/register", write, async (request, reply) => {
    if (!config.pkiEnabled) return reply.code(404).send({ error: "PKI not enabled" });
    if (!config.registrationEnabled) return reply.code(403).send({ error: "Registration disabled" });
    if (config.registerPow > 0) {
      await pow.verify(
        singleHeader(request, HEADERS.powToken),
        singleHeader(request, HEADERS.powSolution),
        config.registerPow,
      );
    }
    return reply
      .code(201)
      .send(await pki.register(request.caller, commonNameOf(request), fieldOf(request, "pkcs12_password")));
  });

  app.get("/audit", async (request) => {
    if (request.caller.fingerprint === null) throw new AppError(401, "Authentication required");
    if (!request.caller.isAdmin) throw new AppError(403, "Admin access required");
    const { limit, offset } = pageOf(request.query);
    const page = await deps.store.listAudit(limit, offset);
    return { events: page.items, count: page.items.length, total: page.total, limit, offset };
  });

  for (const [url, methods] of [
    ["/pki", ["GET", "HEAD"]],
    ["/pki/ca", ["POST"]],
    ["/pki/ca.crt", ["GET", "HEAD"]],
    ["/pki/crl", ["GET", "HEAD"]],
    ["/pki/issue", ["POST"]],
    ["/pki/certs", ["GET", "HEAD"]],
    ["/pki/revoke/:serial", ["POST"]],
    ["/register/challenge", ["GET", "HEAD"]],
    ["/register", ["POST"]],
    ["/audit", ["GET", "HEAD"]],
  ] as const) {
    allowOnly(app, url, methods);
  }
}

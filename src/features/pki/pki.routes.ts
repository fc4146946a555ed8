import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.ts";
import { allowOnly } from "../../http/errors.ts";
import { pageOf } from "../../http/paging.ts";
import { HEADERS } from "../../protocol/vocabulary.ts";
import type { ProofOfWork } from "../abuse/pow.usecases.ts";
import { BODY_FIELD_ERRORS } from "./pki.bodies.schemas.ts";
import {
  auditSchema,
  caCertificateSchema,
  createCaSchema,
  crlSchema,
  issueSchema,
  listCertificatesSchema,
  pkiStatusSchema,
  registerChallengeSchema,
  registerSchema,
  revokeSchema,
} from "./pki.schemas.ts";
import type { Pki } from "./pki.usecases.ts";

/**
 * Before the body schema runs: an absent body is an empty request, and a field of the wrong type is
 * refused with that field's documented error (the schema's validator would coerce `42` to "42").
 */
async function certificateRequestBody(request: FastifyRequest): Promise<void> {
  if (request.body === undefined) {
    request.body = {};
    return;
  }
  const body = request.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return;
  for (const [name, rule] of Object.entries(BODY_FIELD_ERRORS)) {
    if (!Object.hasOwn(body, name)) continue;
    const value: unknown = (body as Record<string, unknown>)[name];
    const type = value === null ? "null" : typeof value;
    if (!rule.types.includes(type)) throw rule.error();
  }
}

/** The PKI endpoints of the API reference and PKI guide, registration and the audit log. */
export async function pkiRoutes(
  app: FastifyInstance,
  deps: { pki: Pki; pow: ProofOfWork; config: Config },
): Promise<void> {
  const { pki, pow, config } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const write = { config: { rateLimit: "write" as const }, bodyLimit: 16 * 1024 };
  const certificateRequest = { ...write, preValidation: certificateRequestBody };
  // Signing a CRL decrypts the CA key (scrypt): counted like a write, so it cannot be used to burn CPU.
  const costly = { config: { rateLimit: "write" as const } };
  // A POST with no body at all is fine: every field is optional or checked by the usecase.
  app.addHook("preParsing", async (request) => {
    if (request.headers["content-length"] === "0") delete request.headers["content-type"];
  });

  r.get("/pki", { schema: pkiStatusSchema }, async () => pki.status());
  r.post("/pki/ca", { ...certificateRequest, schema: createCaSchema }, async (request, reply) =>
    reply.code(201).send(await pki.createCaView(request.body.common_name)),
  );
  r.get("/pki/ca.crt", { schema: caCertificateSchema }, async (_request, reply) =>
    reply.type("application/x-pem-file").send(await pki.caCertificatePem()),
  );
  r.get("/pki/crl", { ...costly, schema: crlSchema }, async (_request, reply) =>
    reply.type("application/x-pem-file").send(await pki.crlPem()),
  );
  r.post("/pki/issue", { ...certificateRequest, schema: issueSchema }, async (request, reply) => {
    const { common_name, pkcs12_password } = request.body;
    return reply
      .code(201)
      .send(
        await pki.issueForAdmin(request.caller, { commonName: common_name, pkcs12Password: pkcs12_password }),
      );
  });
  r.get("/pki/certs", { schema: listCertificatesSchema }, async (request) =>
    pki.listCertificates(request.caller),
  );
  // The body, if any, is not read.
  r.post("/pki/revoke/:serial", { ...write, schema: revokeSchema }, async (request) =>
    pki.revoke(request.caller, request.params.serial),
  );

  r.get("/register/challenge", { schema: registerChallengeSchema }, async () =>
    pow.issueChallenge(config.registerPow),
  );
  r.post("/register", { ...certificateRequest, schema: registerSchema }, async (request, reply) => {
    const { common_name, pkcs12_password } = request.body;
    // REGISTER_POW 0 is no proof-of-work at all, even when POW_DIFFICULTY asks one of pastes.
    const proveWork = async () => {
      if (config.registerPow === 0) return;
      const { [HEADERS.powToken]: token, [HEADERS.powSolution]: solution } = request.headers;
      await pow.verify(token, solution, config.registerPow);
    };
    const registered = await pki.register(
      request.caller,
      { commonName: common_name, pkcs12Password: pkcs12_password },
      proveWork,
    );
    return reply.code(201).send(registered);
  });

  r.get("/audit", { schema: auditSchema }, async (request) =>
    pki.auditPage(request.caller, pageOf(request.query)),
  );

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

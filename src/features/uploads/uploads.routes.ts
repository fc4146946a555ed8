import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Config } from "../../config/config.ts";
import { allowOnly } from "../../http/errors.ts";
import { isFlagOn, parseExpiry } from "../../http/headers.ts";
import { HEADERS } from "../../protocol/vocabulary.ts";
import { AppError } from "../../shared/errors.ts";
import type { UploadRecord } from "../../store/store.ts";
import { passwordOf } from "../pastes/pastes.password.ts";
import { clientKeyOf, maxUploadFor, viewLimitOf } from "../pastes/pastes.usecases.ts";
import { uploadErrors } from "./uploads.errors.ts";
import {
  byteCount,
  httpDate,
  metadataOf,
  OFFSET_CONTENT_TYPE,
  TUS_EXTENSIONS,
  TUS_VERSION,
  UPLOAD_ID,
} from "./uploads.models.ts";
import {
  appendUploadSchema,
  createUploadSchema,
  deleteUploadSchema,
  uploadStatusSchema,
} from "./uploads.schemas.ts";
import type { Uploads } from "./uploads.usecases.ts";

/** tus 1.0 (creation, termination, expiration) at /uploads (docs/uploads.md). */
export async function uploadRoutes(
  app: FastifyInstance,
  deps: { uploads: Uploads; config: Config },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { uploads, config } = deps;
  const prefix = config.urlPrefix;
  // PATCH bodies stream to the store as they come; nothing else is parsed here.
  app.removeAllContentTypeParsers();
  // Any body reaches its route unread: PATCH checks its own type (415), the others refuse a body.
  app.addContentTypeParser("*", (_request, payload, done) => done(null, payload));

  /** Every answer says the protocol's version; every request but OPTIONS must name it. */
  app.addHook("onRequest", async (request, reply) => {
    reply.header("tus-resumable", TUS_VERSION);
    // tus discovery rides on the path's OPTIONS answer (204, with Allow).
    if (request.method === "OPTIONS") {
      reply.header("tus-version", TUS_VERSION).header("tus-extension", TUS_EXTENSIONS);
      reply.header("tus-max-size", String(maxUploadFor(request.caller.fingerprint, config)));
      return;
    }
    // A method the path does not serve gets its 405 (allowOnly), whatever it says of tus.
    if (request.routeOptions.config.methodFallback) return;
    if (request.method !== "OPTIONS" && request.headers["tus-resumable"] !== TUS_VERSION)
      throw uploadErrors.version();
  });
  const idOf = (request: { params: { id: string } }) => {
    if (!UPLOAD_ID.test(request.params.id)) throw uploadErrors.notFound();
    return request.params.id;
  };
  const state = (reply: FastifyReply, upload: UploadRecord, offset: number, pasteId: string | null) => {
    reply.header("upload-offset", String(offset)).header("upload-length", String(upload.length));
    reply.header("upload-expires", httpDate(upload.expiresAt)).header("cache-control", "no-store");
    if (pasteId !== null) reply.header("x-paste-id", pasteId).header("location", `${prefix}/${pasteId}`);
  };

  r.post(
    "/uploads",
    { config: { rateLimit: "write" as const }, schema: createUploadSchema },
    async (request, reply) => {
      const h = request.headers;
      if (h["upload-defer-length"] !== undefined)
        throw uploadErrors.invalidHeader("Upload-Defer-Length is not supported: send Upload-Length");
      if (request.body !== undefined || Number(h["content-length"] ?? 0) > 0)
        throw uploadErrors.invalidHeader("Send the bytes with PATCH (creation-with-upload is not supported)");
      const length = byteCount(h["upload-length"]);
      if (Number.isNaN(length))
        throw uploadErrors.invalidHeader("Upload-Length must be the upload's size in bytes");
      const metadata = metadataOf(h["upload-metadata"]);
      if (metadata === undefined) throw uploadErrors.invalidHeader("Upload-Metadata is malformed");
      const upload = await uploads.create({
        caller: request.caller,
        clientKey: clientKeyOf(request.clientIp, config),
        proofOfWork: { token: h[HEADERS.powToken], solution: h[HEADERS.powSolution] },
        length,
        maxViews: viewLimitOf(h[HEADERS.maxViews], isFlagOn(h[HEADERS.burnAfterRead])),
        expirySeconds: parseExpiry(h[HEADERS.expiry], config.maxExpiry),
        password: passwordOf(h[HEADERS.pastePassword]),
        declaredType: metadata.get("filetype"),
      });
      reply
        .header("location", `${prefix}/uploads/${upload.id}`)
        .header("upload-expires", httpDate(upload.expiresAt));
      return reply.code(201).send();
    },
  );
  allowOnly(app, "/uploads", ["POST"]);

  r.head("/uploads/:id", { schema: uploadStatusSchema }, async (request, reply) => {
    const upload = await uploads.find(request.caller, idOf(request));
    state(reply, upload, upload.received, upload.pasteId);
    return reply.code(200).send();
  });
  r.patch("/uploads/:id", { schema: appendUploadSchema }, async (request, reply) => {
    const id = idOf(request);
    if (request.headers["content-type"]?.split(";")[0]?.trim().toLowerCase() !== OFFSET_CONTENT_TYPE)
      throw new AppError({
        status: 415,
        code: "unsupported_media_type",
        message: "Unsupported Content-Type",
      });
    const offset = byteCount(request.headers["upload-offset"]);
    if (Number.isNaN(offset)) throw uploadErrors.invalidHeader("Upload-Offset must be a byte count");
    const done = await uploads.append(request.caller, id, offset, request.raw);
    state(reply, done.upload, done.offset, done.paste?.id ?? null);
    return reply.code(204).send();
  });
  r.delete("/uploads/:id", { schema: deleteUploadSchema }, async (request, reply) => {
    await uploads.terminate(request.caller, idOf(request));
    return reply.code(204).send();
  });
  allowOnly(app, "/uploads/:id", ["HEAD", "PATCH", "DELETE"]);
}

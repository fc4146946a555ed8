import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { allowOnly } from "../../http/errors.ts";
import { isFlagOn, parseExpiry, singleHeader, wantsHtml } from "../../http/headers.ts";
import { pageOf } from "../../http/paging.ts";
import { RAW_CONTENT_CSP } from "../../http/security-headers.ts";
import { HEADERS } from "../../protocol/vocabulary.ts";
import type { PasteMeta } from "../../store/store.ts";
import type { ProofOfWork } from "../abuse/pow.usecases.ts";
import type { WebPages } from "../web/web.routes.ts";
import { readPasteBody } from "./pastes.body.ts";
import {
  contentDispositionFor,
  contentTypeHeaderFor,
  expiryFieldsOf,
  isValidPasteId,
} from "./pastes.models.ts";
import { passwordOf } from "./pastes.password.ts";
import { etagOf } from "./pastes.range.ts";
import {
  createPasteSchema,
  deletePasteSchema,
  listPastesSchema,
  pasteMetaHeadSchema,
  pasteMetaSchema,
  pasteRawHeadSchema,
  pasteRawSchema,
} from "./pastes.schemas.ts";
import {
  type CreatePasteDeps,
  clientKeyOf,
  createPaste,
  deletePaste,
  getPasteMeta,
  listPastes,
  type PasteAccess,
  readPasteContent,
  viewLimitOf,
} from "./pastes.usecases.ts";

/** The paste API of the FlaskPaste reference: POST /, GET|HEAD /{id}, GET|HEAD /{id}/raw, DELETE /{id}. */
export async function pasteRoutes(
  app: FastifyInstance,
  deps: CreatePasteDeps & { pow: ProofOfWork; pages?: WebPages },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const prefix = deps.config.urlPrefix;
  /** The password and who brings it: guesses and hashes are counted per client (pastes.usecases.ts). */
  const accessOf = (request: FastifyRequest, password: string | undefined): PasteAccess => ({
    password: passwordOf(password),
    clientKey: clientKeyOf(request.clientIp, deps.config),
  });
  const links = (id: string) => ({ url: `${prefix}/${id}`, raw: `${prefix}/${id}/raw` });
  /** A limited paste's views, in every answer that describes it; nothing for an unlimited one. */
  const viewFields = (paste: PasteMeta) =>
    paste.maxViews === null ? {} : { max_views: paste.maxViews, views_left: paste.viewsLeft ?? 0 };

  function createdBody(paste: PasteMeta) {
    return {
      id: paste.id,
      ...links(paste.id),
      mime_type: paste.mimeType,
      created_at: paste.createdAt,
      ...(paste.owner !== null && { owner: paste.owner }),
      ...(paste.burnAfterRead && { burn_after_read: true as const }),
      ...viewFields(paste),
      ...expiryFieldsOf(paste),
      ...(paste.passwordHash !== null && { password_protected: true as const }),
    };
  }

  function metaBody(paste: PasteMeta) {
    return {
      id: paste.id,
      mime_type: paste.mimeType,
      size: paste.size,
      created_at: paste.createdAt,
      raw: links(paste.id).raw,
      ...(paste.passwordHash !== null && { password_protected: true as const }),
      ...(paste.burnAfterRead && { burn_after_read: true as const }),
      ...viewFields(paste),
      ...expiryFieldsOf(paste),
    };
  }

  /**
   * Ranges of a paste without a view limit, with its validator for If-Range; none of a limited one
   * (it is served whole, and a view is never spent on part of it).
   */
  function rangeHeaders(reply: FastifyReply, paste: PasteMeta): void {
    if (paste.viewsLeft !== null) {
      reply.header("accept-ranges", "none");
      return;
    }
    reply.header("accept-ranges", "bytes").header("etag", etagOf(paste));
  }

  /** `lastView`: this read deleted the paste (GET), or the next GET will (HEAD). */
  function rawHeaders(reply: FastifyReply, paste: PasteMeta, lastView: boolean): void {
    reply.header("content-type", contentTypeHeaderFor(paste.mimeType));
    reply.header("content-security-policy", RAW_CONTENT_CSP);
    const disposition = contentDispositionFor(paste.mimeType);
    if (disposition) reply.header("content-disposition", disposition);
    if (lastView) reply.header(HEADERS.burnAfterRead, "true");
  }

  // The body is read by createPaste (pastes.body.ts), not by Fastify: it streams in with a running
  // byte count against the caller's own limit, whatever its Content-Type (raw, JSON or multipart).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, payload, done) => done(null, payload));

  const write = { config: { rateLimit: "write" as const } };
  const read = { config: { rateLimit: "read" as const } };

  r.post("/", { ...write, schema: createPasteSchema }, async (request, reply) => {
    const h = request.headers;
    // Refused before anything else is looked at: a limit the client asked for is never dropped.
    const maxViews = viewLimitOf(h[HEADERS.maxViews], isFlagOn(h[HEADERS.burnAfterRead]));
    const paste = await createPaste(deps, {
      caller: request.caller,
      clientKey: clientKeyOf(request.clientIp, deps.config),
      proofOfWork: { token: h[HEADERS.powToken], solution: h[HEADERS.powSolution] },
      maxViews,
      expirySeconds: parseExpiry(h[HEADERS.expiry], deps.config.maxExpiry),
      password: passwordOf(h[HEADERS.pastePassword]),
      body:
        request.body === undefined
          ? undefined
          : (intake, limit, authenticated) => readPasteBody(request.raw, limit, authenticated, intake),
    });
    return reply.code(201).header("location", links(paste.id).url).send(createdBody(paste));
  });
  allowOnly(app, "/", ["GET", "HEAD", "POST"]);

  // HEAD is declared before GET so that Fastify does not derive one from GET: no HEAD ever counts
  // a view.
  r.head("/:id", { ...read, schema: pasteMetaHeadSchema }, async (request, reply) => {
    reply.header("vary", "Accept");
    const access = accessOf(request, request.headers[HEADERS.pastePassword]);
    return metaBody(await getPasteMeta(deps, request.params.id, access, { touch: false }));
  });
  r.get("/:id", { ...read, schema: pasteMetaSchema }, async (request, reply) => {
    // A browser following a link gets the page that fetches, decrypts and shows the paste.
    if (deps.pages && wantsHtml(request)) {
      // A path that cannot be a paste (/about) is a page that does not exist, for a browser.
      if (!isValidPasteId(request.params.id, deps.config.idLength)) {
        const page = deps.pages.notFound(request, reply);
        if (page) return page;
      } else return deps.pages.send(reply, "paste");
    }
    reply.header("vary", "Accept");
    const access = accessOf(request, request.headers[HEADERS.pastePassword]);
    return metaBody(await getPasteMeta(deps, request.params.id, access, { touch: true }));
  });
  r.delete("/:id", { ...write, schema: deletePasteSchema }, async (request) => {
    await deletePaste(deps, request.params.id, request.caller);
    return { message: "Paste deleted" };
  });
  allowOnly(app, "/:id", ["GET", "HEAD", "DELETE"]);

  r.head("/:id/raw", { ...read, schema: pasteRawHeadSchema }, async (request, reply) => {
    const access = accessOf(request, request.headers[HEADERS.pastePassword]);
    const paste = await getPasteMeta(deps, request.params.id, access, { touch: false });
    rawHeaders(reply, paste, paste.viewsLeft === 1);
    rangeHeaders(reply, paste);
    reply.header("content-length", paste.size);
    return reply.send();
  });
  r.get("/:id/raw", { ...read, schema: pasteRawSchema }, async (request, reply) => {
    const access = accessOf(request, request.headers[HEADERS.pastePassword]);
    const { paste, source, range } = await readPasteContent(deps, request.params.id, access, {
      range: singleHeader(request, "range"),
      ifRange: singleHeader(request, "if-range"),
    });
    rawHeaders(reply, paste, paste.viewsLeft === 0);
    rangeHeaders(reply, paste);
    if (range) {
      reply.code(206).header("content-range", `bytes ${range.start}-${range.end}/${paste.size}`);
      reply.header("content-length", range.end - range.start + 1);
    } else if (!Buffer.isBuffer(source)) reply.header("content-length", paste.size);
    return reply.send(source);
  });
  allowOnly(app, "/:id/raw", ["GET", "HEAD"]);

  r.get("/pastes", { schema: listPastesSchema }, async (request) => {
    const { limit, offset } = pageOf(request.query);
    const all = isFlagOn(request.query.all);
    const { pastes, total } = await listPastes(deps, request.caller, { all, limit, offset });
    return {
      pastes: pastes.map((p) => ({
        id: p.id,
        mime_type: p.mimeType,
        size: p.size,
        created_at: p.createdAt,
        ...expiryFieldsOf(p),
        burn_after_read: p.burnAfterRead,
        ...viewFields(p),
        password_protected: p.passwordHash !== null,
        ...(all && { owner: p.owner }),
      })),
      count: pastes.length,
      total,
      limit,
      offset,
    };
  });
  allowOnly(app, "/pastes", ["GET", "HEAD"]);
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { allowOnly } from "../../http/errors.ts";
import { singleHeader } from "../../http/headers.ts";
import { pageOf } from "../../http/paging.ts";
import { RAW_CONTENT_CSP } from "../../http/security-headers.ts";
import { HEADERS } from "../../protocol/vocabulary.ts";
import { isChunked, type PasteMeta } from "../../store/store.ts";
import type { ProofOfWork } from "../abuse/pow.usecases.ts";
import { type WebPages, wantsHtml } from "../web/web.routes.ts";
import { readPasteBody } from "./pastes.body.ts";
import { contentStream } from "./pastes.content.ts";
import {
  contentDispositionFor,
  contentTypeHeaderFor,
  expiryFieldsOf,
  isFlagOn,
  isValidPasteId,
  parseBurnAfterRead,
  parseExpiry,
} from "./pastes.models.ts";
import { passwordBytes } from "./pastes.password.ts";
import {
  checkPasswordLength,
  clientKeyOf,
  createPaste,
  deletePaste,
  getPasteMeta,
  listPastes,
  maxSizeFor,
  newIntake,
  type PasteAccess,
  type PasteDeps,
  readPasteContent,
} from "./pastes.usecases.ts";

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** X-Paste-Password as bytes; an empty header is no password. */
function passwordOf(request: FastifyRequest): Buffer | undefined {
  const value = singleHeader(request, HEADERS.pastePassword);
  return value ? passwordBytes(value) : undefined;
}

/** The paste API of the FlaskPaste reference: POST /, GET|HEAD /{id}, GET|HEAD /{id}/raw, DELETE /{id}. */
export async function pasteRoutes(
  app: FastifyInstance,
  deps: PasteDeps & { pow: ProofOfWork; pages?: WebPages },
): Promise<void> {
  const prefix = deps.config.urlPrefix;
  /** The password and who brings it: guesses and hashes are counted per client (pastes.usecases.ts). */
  const accessOf = (request: FastifyRequest): PasteAccess => ({
    password: passwordOf(request),
    clientKey: clientKeyOf(request.clientIp, deps.config),
  });
  const links = (id: string) => ({ url: `${prefix}/${id}`, raw: `${prefix}/${id}/raw` });

  function createdBody(paste: PasteMeta) {
    return {
      id: paste.id,
      ...links(paste.id),
      mime_type: paste.mimeType,
      created_at: paste.createdAt,
      ...(paste.owner !== null && { owner: paste.owner }),
      ...(paste.burnAfterRead && { burn_after_read: true }),
      ...expiryFieldsOf(paste),
      ...(paste.passwordHash !== null && { password_protected: true }),
    };
  }

  function metaBody(paste: PasteMeta) {
    return {
      id: paste.id,
      mime_type: paste.mimeType,
      size: paste.size,
      created_at: paste.createdAt,
      raw: links(paste.id).raw,
      ...(paste.passwordHash !== null && { password_protected: true }),
      ...(paste.burnAfterRead && { burn_after_read: true }),
      ...expiryFieldsOf(paste),
    };
  }

  function rawHeaders(reply: FastifyReply, paste: PasteMeta): void {
    reply.header("content-type", contentTypeHeaderFor(paste.mimeType));
    reply.header("content-security-policy", RAW_CONTENT_CSP);
    const disposition = contentDispositionFor(paste.mimeType);
    if (disposition) reply.header("content-disposition", disposition);
    if (paste.burnAfterRead) reply.header(HEADERS.burnAfterRead, "true");
  }

  // The body is read here, not by Fastify: it streams in with a running byte count against the
  // caller's own limit, whatever its Content-Type (raw, JSON or multipart).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, payload, done) => done(null, payload));

  const write = { config: { rateLimit: "write" as const } };
  const read = { config: { rateLimit: "read" as const } };

  app.post("/", write, async (request, reply) => {
    const caller = request.caller;
    const password = passwordOf(request);
    checkPasswordLength(password);
    // Before a byte of the body is read: a client that skipped the work costs nothing more.
    await deps.pow.verify(
      singleHeader(request, HEADERS.powToken),
      singleHeader(request, HEADERS.powSolution),
    );
    const intake = newIntake(deps, caller);
    let paste: PasteMeta;
    deps.metrics?.upload(1);
    try {
      const declaredType =
        request.body === undefined
          ? undefined
          : await readPasteBody(
              request.raw,
              maxSizeFor(caller, deps.config),
              caller.fingerprint !== null,
              intake,
            );
      paste = await createPaste(deps, {
        content: await intake.finish(),
        declaredType,
        caller,
        burnAfterRead: parseBurnAfterRead(singleHeader(request, HEADERS.burnAfterRead)),
        expirySeconds: parseExpiry(singleHeader(request, HEADERS.expiry), deps.config.maxExpiry),
        password,
        clientKey: clientKeyOf(request.clientIp, deps.config),
      });
    } catch (err) {
      await intake.discard();
      throw err;
    } finally {
      deps.metrics?.upload(-1);
    }
    await deps.pow.recordCreation();
    deps.metrics?.paste("created");
    return reply.code(201).header("location", links(paste.id).url).send(createdBody(paste));
  });
  allowOnly(app, "/", ["GET", "HEAD", "POST"]);

  // HEAD is declared before GET so that Fastify does not derive one from GET: no HEAD ever burns.
  const metaHandler = async (request: IdRequest, reply: FastifyReply) => {
    const touch = request.method === "GET";
    // A browser following a link gets the page that fetches, decrypts and shows the paste.
    if (touch && deps.pages && wantsHtml(request)) {
      // A path that cannot be a paste (/about) is a page that does not exist, for a browser.
      if (!isValidPasteId(request.params.id, deps.config.idLength)) {
        const page = deps.pages.notFound(request, reply);
        if (page) return page;
      } else return deps.pages.send(reply, "paste");
    }
    reply.header("vary", "Accept");
    return metaBody(await getPasteMeta(deps, request.params.id, accessOf(request), { touch }));
  };
  app.head("/:id", read, metaHandler);
  app.get("/:id", read, metaHandler);
  app.delete("/:id", write, async (request: IdRequest) => {
    await deletePaste(deps, request.params.id, request.caller);
    return { message: "Paste deleted" };
  });
  allowOnly(app, "/:id", ["GET", "HEAD", "DELETE"]);

  app.head("/:id/raw", read, async (request: IdRequest, reply) => {
    const paste = await getPasteMeta(deps, request.params.id, accessOf(request), { touch: false });
    rawHeaders(reply, paste);
    reply.header("content-length", paste.size);
    return reply.send();
  });
  app.get("/:id/raw", read, async (request: IdRequest, reply) => {
    const { paste, content, release } = await readPasteContent(deps, request.params.id, accessOf(request));
    deps.metrics?.paste("read");
    if (paste.burnAfterRead) deps.metrics?.paste("burned");
    rawHeaders(reply, paste);
    if (!isChunked(content))
      return reply.send(Buffer.from(content.buffer, content.byteOffset, content.byteLength));
    reply.header("content-length", paste.size);
    return reply.send(contentStream(deps.store, content, paste.size, release));
  });
  allowOnly(app, "/:id/raw", ["GET", "HEAD"]);

  app.get("/pastes", async (request) => {
    const query = (request.query ?? {}) as Record<string, string | undefined>;
    const { limit, offset } = pageOf(query);
    const all = isFlagOn(query.all);
    const { pastes, total } = await listPastes(deps, request.caller, { all, limit, offset });
    return {
      pastes: pastes.map((p) => ({
        id: p.id,
        mime_type: p.mimeType,
        size: p.size,
        created_at: p.createdAt,
        ...expiryFieldsOf(p),
        burn_after_read: p.burnAfterRead,
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

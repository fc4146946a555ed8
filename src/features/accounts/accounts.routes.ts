import type { OutgoingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { allowOnly } from "../../http/errors.ts";
import { checkFormFields, parseUrlencoded, refuseNulInput } from "../../http/text-input.ts";
import { AppError } from "../../shared/errors.ts";
import type { UserRecord } from "../../store/store.ts";
import { readMultipart } from "./accounts.body.ts";
import { accountErrors } from "./accounts.errors.ts";
import type { TokenClaims } from "./accounts.tokens.ts";
import {
  type AccountDeps,
  accountOf,
  getUser,
  listUsers,
  login,
  logout,
  register,
} from "./accounts.usecases.ts";
import { readImageForm } from "./images.body.ts";
import { ClientGone, ClientStalled, writeDownloadAll } from "./images.download.ts";
import {
  accessImage,
  changePermission,
  deleteImage,
  getPermission,
  grant,
  imageView,
  listPermissions,
  replaceImage,
  requireSelf,
  revokePermission,
  uploadImage,
} from "./images.usecases.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The account of a verified Bearer token (image store routes). */
    account: { user: UserRecord; claims: TokenClaims } | null;
  }
  interface FastifyContextConfig {
    /** The route reads its multipart body itself, once the caller is known (image uploads). */
    ownBody?: boolean;
  }
}

type Params = { userId: string; fileName: string; userPermissionId: string };
const params = (request: FastifyRequest) => request.params as Params;

const FORM_LIMIT = 64 * 1024;
/** A form sent as multipart/form-data: as bounded as its urlencoded twin, and text fields only. */
const MULTIPART_FORM = {
  maxFields: 16,
  maxFieldBytes: FORM_LIMIT,
  maxBodyBytes: FORM_LIMIT,
  tooLarge: accountErrors.bodyTooLarge,
};

/**
 * The image store's API under /api/v1 (registered with that prefix): accounts, tokens, images and
 * their permissions, answering errors as {"message": ...} the way the original does.
 */
export async function accountRoutes(app: FastifyInstance, deps: AccountDeps): Promise<void> {
  app.decorateRequest("account", null);
  // Names and fields go to the database as they are: PostgreSQL text holds no NUL.
  refuseNulInput(app);

  // Forms arrive urlencoded (the original client's `data=`), as multipart/form-data (`files=`, curl
  // -F) or as JSON; images as multipart, read by the route itself, after the caller is known and
  // with the image limits, so that the size limit applies while the upload streams in.
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string", bodyLimit: FORM_LIMIT },
    (_r, body, done) => {
      try {
        done(null, parseUrlencoded(body as string));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );
  app.addContentTypeParser("multipart/form-data", async (request: FastifyRequest, payload: Readable) => {
    if (request.routeOptions.config.ownBody) return undefined;
    return checkFormFields((await readMultipart(payload, request.headers, MULTIPART_FORM)).fields);
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) {
      return reply.code(err.status).headers(err.headers).send({ message: err.message });
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const message =
        err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE"
          ? "Unsupported content type: send a form (urlencoded or multipart) or JSON"
          : err.code === "FST_ERR_CTP_BODY_TOO_LARGE"
            ? "Request body too large"
            : "Malformed request body";
      return reply.code(status).send({ message });
    }
    request.log.error({ err }, "image store request failed");
    return reply.code(500).send({ message: "Internal server error" });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ message: "Not found" }));

  const authenticated = async (request: FastifyRequest) => {
    const claims = await deps.tokens.verifyHeader(request.headers.authorization);
    request.account = { user: await accountOf(deps, claims), claims };
  };
  const caller = (request: FastifyRequest): UserRecord => {
    if (!request.account) throw new Error("route without the authenticated hook");
    return request.account.user;
  };
  const auth = { preHandler: authenticated };
  const limited = { config: { rateLimit: "write" as const } };
  const upload = { ...auth, config: { rateLimit: "write" as const, ownBody: true } };

  app.post("/auth/register", limited, async (request, reply) => {
    await register(deps, request.body);
    return reply.code(201).send();
  });
  app.post("/auth/login", limited, async (request) => login(deps, request.body));
  app.post("/auth/logout", auth, async (request) =>
    logout(deps, (request.account as { claims: TokenClaims }).claims),
  );

  app.get("/users", auth, async () => listUsers(deps));
  app.get("/users/:userId", auth, async (request: FastifyRequest) => getUser(deps, params(request).userId));

  const images = "/users/:userId/images";
  app.get(images, auth, async (request: FastifyRequest) => {
    requireSelf(caller(request), params(request).userId);
    return (await deps.store.listImages(params(request).userId)).map((i) => ({ img_name: i.name }));
  });
  app.post(images, upload, async (request: FastifyRequest, reply: FastifyReply) => {
    const owner = caller(request);
    requireSelf(owner, params(request).userId);
    await uploadImage(deps, owner, await readImageForm(request.raw, deps.config.maxAuth));
    return reply.code(201).send();
  });
  app.get(`${images}/download-all`, auth, async (request: FastifyRequest, reply: FastifyReply) => {
    requireSelf(caller(request), params(request).userId);
    reply.type("application/json; charset=utf-8");
    // HEAD: the headers alone (Fastify would read a stream through to drop it).
    if (request.method === "HEAD") return reply.send(Readable.from([]));
    // Streamed in bounded memory, whatever the collection (images.download.ts). The first part is
    // read before the answer starts, so that a store that cannot answer gets its documented error.
    const parts = deps.store.streamImages(params(request).userId);
    const first = await parts.next().catch(async (err: unknown) => {
      await parts.return(undefined);
      throw err;
    });
    reply.hijack();
    reply.raw.writeHead(200, reply.getHeaders() as OutgoingHttpHeaders);
    try {
      await writeDownloadAll(reply.raw, first, parts, deps.config.downloadStallTimeout * 1000);
      reply.raw.end();
    } catch (err) {
      // The status is sent: a body cut short (no final chunk) is how the client learns of it.
      if (err instanceof ClientStalled) request.log.info(err.message);
      else if (!(err instanceof ClientGone))
        request.log.error({ err }, "download-all failed while streaming");
      reply.raw.destroy();
    }
  });

  const image = `${images}/:fileName`;
  app.get(image, auth, async (request: FastifyRequest) => {
    const { image: found } = await accessImage(
      deps,
      caller(request),
      params(request).userId,
      params(request).fileName,
    );
    return imageView(found);
  });
  app.put(image, upload, async (request: FastifyRequest, reply: FastifyReply) => {
    const { userId, fileName } = params(request);
    const user = caller(request);
    // Access first: a stranger learns nothing, and sends no body we would read.
    await accessImage(deps, user, userId, fileName);
    await replaceImage(deps, user, userId, fileName, await readImageForm(request.raw, deps.config.maxAuth));
    return reply.code(204).send();
  });
  app.delete(image, auth, async (request: FastifyRequest, reply: FastifyReply) => {
    await deleteImage(deps, caller(request), params(request).userId, params(request).fileName);
    return reply.code(204).send();
  });

  const permissions = `${image}/permissions`;
  app.get(permissions, auth, async (request: FastifyRequest) =>
    listPermissions(deps, caller(request), params(request).userId, params(request).fileName),
  );
  app.post(permissions, auth, async (request: FastifyRequest, reply: FastifyReply) => {
    await grant(deps, caller(request), params(request).userId, params(request).fileName, request.body);
    return reply.code(201).send();
  });
  const permission = `${permissions}/:userPermissionId`;
  app.get(permission, auth, async (request: FastifyRequest) => {
    const { userId, fileName, userPermissionId } = params(request);
    return getPermission(deps, caller(request), userId, fileName, userPermissionId);
  });
  app.put(permission, auth, async (request: FastifyRequest, reply: FastifyReply) => {
    const { userId, fileName, userPermissionId } = params(request);
    await changePermission(deps, caller(request), userId, fileName, userPermissionId, request.body);
    return reply.code(204).send();
  });
  app.delete(permission, auth, async (request: FastifyRequest, reply: FastifyReply) => {
    const { userId, fileName, userPermissionId } = params(request);
    await revokePermission(deps, caller(request), userId, fileName, userPermissionId);
    return reply.code(204).send();
  });

  for (const [url, methods] of [
    ["/auth/register", ["POST"]],
    ["/auth/login", ["POST"]],
    ["/auth/logout", ["POST"]],
    ["/users", ["GET", "HEAD"]],
    ["/users/:userId", ["GET", "HEAD"]],
    [images, ["GET", "HEAD", "POST"]],
    [`${images}/download-all`, ["GET", "HEAD"]],
    [image, ["GET", "HEAD", "PUT", "DELETE"]],
    [permissions, ["GET", "HEAD", "POST"]],
    [permission, ["GET", "HEAD", "PUT", "DELETE"]],
  ] as const) {
    allowOnly(app, url, methods);
  }
}

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { allowOnly } from "../../http/errors.ts";
import { AppError } from "../../shared/errors.ts";
import type { UserRecord } from "../../store/store.ts";
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
}

type Params = { userId: string; fileName: string; userPermissionId: string };
const params = (request: FastifyRequest) => request.params as Params;

const FORM_LIMIT = 64 * 1024;

/**
 * The image store's API under /api/v1 (registered with that prefix): accounts, tokens, images and
 * their permissions, answering errors as {"message": ...} the way the original does.
 */
export async function accountRoutes(app: FastifyInstance, deps: AccountDeps): Promise<void> {
  app.decorateRequest("account", null);

  // Forms arrive urlencoded (the original client's `data=`) or as JSON; images as multipart, read
  // by the route itself so that the size limit applies while the upload streams in.
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string", bodyLimit: FORM_LIMIT },
    (_r, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
  app.addContentTypeParser("multipart/form-data", (_request, _payload, done) => done(null, undefined));

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) return reply.code(err.status).send({ message: err.message });
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
    return (await deps.store.listImages(params(request).userId, false)).map((i) => ({ img_name: i.name }));
  });
  app.post(images, { ...auth, ...limited }, async (request: FastifyRequest, reply: FastifyReply) => {
    const owner = caller(request);
    requireSelf(owner, params(request).userId);
    await uploadImage(deps, owner, await readImageForm(request.raw, deps.config.maxAuth));
    return reply.code(201).send();
  });
  app.get(`${images}/download-all`, auth, async (request: FastifyRequest) => {
    requireSelf(caller(request), params(request).userId);
    return (await deps.store.listImages(params(request).userId, true)).map(imageView);
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
  app.put(image, { ...auth, ...limited }, async (request: FastifyRequest, reply: FastifyReply) => {
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

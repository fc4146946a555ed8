import type { OutgoingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyError, FastifyInstance, FastifyRequest } from "fastify";
import type { Static } from "typebox";
import { allowOnly } from "../../http/errors.ts";
import { checkFormFields, parseUrlencoded, refuseNulInput } from "../../http/text-input.ts";
import { AppError } from "../../shared/errors.ts";
import { StoreUnavailable } from "../../store/store.errors.ts";
import type { UserRecord } from "../../store/store.ts";
import { readMultipart } from "./accounts.body.ts";
import { accountErrors, scopeErrors } from "./accounts.errors.ts";
import {
  type FormOf,
  type LoginForm,
  loginSchema,
  logoutSchema,
  type RegisterForm,
  registerSchema,
  userSchema,
  usersSchema,
} from "./accounts.schemas.ts";
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
  changePermissionSchema,
  deleteImageSchema,
  downloadAllSchema,
  type GrantForm,
  grantSchema,
  type ImageParams,
  imageSchema,
  listImagesSchema,
  type PermissionParams,
  permissionSchema,
  permissionsSchema,
  type RoleForm,
  replaceImageSchema,
  revokePermissionSchema,
  uploadImageSchema,
} from "./images.schemas.ts";
import {
  changePermission,
  deleteImage,
  type GrantRef,
  getPermission,
  grant,
  type ImageRef,
  listImages,
  listPermissions,
  type OwnerRef,
  readImage,
  replaceImage,
  revokePermission,
  streamOwnImages,
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

const FORM_LIMIT = 64 * 1024;
/** A form sent as multipart/form-data: as bounded as its urlencoded twin, and text fields only. */
const MULTIPART_FORM = {
  maxFields: 16,
  maxFieldBytes: FORM_LIMIT,
  maxBodyBytes: FORM_LIMIT,
  tooLarge: accountErrors.bodyTooLarge,
};

/** Fastify's own 4xx errors, in this scope's words (theirs can quote the request), with their codes. */
const FRAMEWORK_ERRORS: Record<string, () => AppError> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: scopeErrors.unsupportedType,
  FST_ERR_CTP_BODY_TOO_LARGE: accountErrors.bodyTooLarge,
  FST_ERR_CTP_INVALID_JSON_BODY: () => scopeErrors.malformedBody("invalid_json"),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => scopeErrors.malformedBody("invalid_json"),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => scopeErrors.malformedBody("invalid_content_length"),
  FST_ERR_VALIDATION: () => scopeErrors.malformedBody("invalid_request"),
};

/** A request past the `authenticated` preHandler. */
type Authenticated = Pick<FastifyRequest, "account">;

/** The answer of the /api/v1 scope to an error: an AppError, or the scope's own for the rest. */
function answerOf(err: FastifyError, request: FastifyRequest): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof StoreUnavailable) {
    // Logged (without the driver's detail in the answer): an operator wants to know.
    request.log.warn({ err: err.cause }, "database unavailable");
    return scopeErrors.databaseUnavailable();
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return FRAMEWORK_ERRORS[err.code]?.() ?? scopeErrors.malformedBody("bad_request", status);
  }
  request.log.error({ err }, "image store request failed");
  return scopeErrors.internal();
}

/**
 * The image store's API under /api/v1 (registered with that prefix): accounts, tokens, images and
 * their permissions, answering errors as {"message", "code"}: the original's `message`, and the
 * code (accounts.errors.ts). Each route's schema is in accounts.schemas.ts or images.schemas.ts.
 */
export async function accountRoutes(app: FastifyInstance, deps: AccountDeps): Promise<void> {
  app.decorateRequest("account", null);
  // Names and fields go to the database as they are: PostgreSQL text holds no NUL.
  refuseNulInput(app);

  // Forms arrive urlencoded (the original client's `data=`), as multipart/form-data (`files=`, curl
  // -F) or as JSON, each checked against the route's schema for that type; images as multipart,
  // read by the route itself, after the caller is known and with the image limits, so that the
  // size limit applies while the upload streams in. No other type is read (415), text/plain
  // included: its body would reach the routes unchecked.
  app.removeContentTypeParser("text/plain");
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
    const answer = answerOf(err, request);
    return reply
      .code(answer.status)
      .headers(answer.headers)
      .send({ message: answer.message, code: answer.code });
  });
  app.setNotFoundHandler((_request, reply) => {
    const notFound = scopeErrors.notFound();
    return reply.code(notFound.status).send({ message: notFound.message, code: notFound.code });
  });

  const authenticated = async (request: FastifyRequest) => {
    const claims = await deps.tokens.verifyHeader(request.headers.authorization);
    request.account = { user: await accountOf(deps, claims), claims };
  };
  const account = (request: Authenticated) => {
    if (!request.account) throw new Error("route without the authenticated hook");
    return request.account;
  };
  const auth = { preHandler: authenticated };
  const limited = { config: { rateLimit: "write" as const } };
  const upload = { ...auth, config: { rateLimit: "write" as const, ownBody: true } };
  const receive = (request: FastifyRequest) => () => readImageForm(request.raw, deps.config.maxAuth);
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post<{ Body: FormOf<typeof RegisterForm> }>(
    "/auth/register",
    { ...limited, schema: registerSchema },
    async (request, reply) => {
      await register(deps, request.body ?? {});
      return reply.code(201).send();
    },
  );
  r.post<{ Body: FormOf<typeof LoginForm> }>(
    "/auth/login",
    { ...limited, schema: loginSchema },
    async (request) => login(deps, request.body ?? {}),
  );
  r.post("/auth/logout", { ...auth, schema: logoutSchema }, async (request) =>
    logout(deps, account(request).claims),
  );

  r.get("/users", { ...auth, schema: usersSchema }, async () => listUsers(deps));
  r.get("/users/:userId", { ...auth, schema: userSchema }, async (request) =>
    getUser(deps, request.params.userId),
  );

  const images = "/users/:userId/images";
  const ownerOf = (request: Authenticated & { params: { userId: string } }): OwnerRef => ({
    caller: account(request).user,
    ownerId: request.params.userId,
  });
  r.get(images, { ...auth, schema: listImagesSchema }, async (request) => listImages(deps, ownerOf(request)));
  r.post(images, { ...upload, schema: uploadImageSchema }, async (request, reply) => {
    await uploadImage(deps, { ...ownerOf(request), receive: receive(request) });
    return reply.code(201).send();
  });
  r.get(`${images}/download-all`, { ...auth, schema: downloadAllSchema }, async (request, reply) => {
    const parts = streamOwnImages(deps, ownerOf(request));
    reply.type("application/json; charset=utf-8");
    // HEAD: the headers alone (Fastify would read a stream through to drop it).
    if (request.method === "HEAD") {
      await parts.return(undefined);
      return reply.send(Readable.from([]));
    }
    // Streamed in bounded memory, whatever the collection (images.download.ts). The first part is
    // read before the answer starts, so that a store that cannot answer gets its documented error.
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
  const imageOf = (request: Authenticated & { params: { userId: string; fileName: string } }): ImageRef => ({
    ...ownerOf(request),
    name: request.params.fileName,
  });
  r.get(image, { ...auth, schema: imageSchema }, async (request) => readImage(deps, imageOf(request)));
  r.put(image, { ...upload, schema: replaceImageSchema }, async (request, reply) => {
    await replaceImage(deps, { ...imageOf(request), receive: receive(request) });
    return reply.code(204).send();
  });
  r.delete(image, { ...auth, schema: deleteImageSchema }, async (request, reply) => {
    await deleteImage(deps, imageOf(request));
    return reply.code(204).send();
  });

  const permissions = `${image}/permissions`;
  r.get(permissions, { ...auth, schema: permissionsSchema }, async (request) =>
    listPermissions(deps, imageOf(request)),
  );
  r.post<{ Body: FormOf<typeof GrantForm>; Params: Static<typeof ImageParams> }>(
    permissions,
    { ...auth, schema: grantSchema },
    async (request, reply) => {
      await grant(deps, imageOf(request), request.body ?? {});
      return reply.code(201).send();
    },
  );
  const permission = `${permissions}/:userPermissionId`;
  const grantOf = (
    request: Authenticated & { params: { userId: string; fileName: string; userPermissionId: string } },
  ): GrantRef => ({ ...imageOf(request), granteeId: request.params.userPermissionId });
  r.get(permission, { ...auth, schema: permissionSchema }, async (request) =>
    getPermission(deps, grantOf(request)),
  );
  r.put<{ Body: FormOf<typeof RoleForm>; Params: Static<typeof PermissionParams> }>(
    permission,
    { ...auth, schema: changePermissionSchema },
    async (request, reply) => {
      await changePermission(deps, grantOf(request), request.body ?? {});
      return reply.code(204).send();
    },
  );
  r.delete(permission, { ...auth, schema: revokePermissionSchema }, async (request, reply) => {
    await revokePermission(deps, grantOf(request));
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

import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.ts";
import { allowOnly } from "../../http/errors.ts";
import { wantsHtml } from "../../http/headers.ts";
import type { Store } from "../../store/store.ts";
import type { ProofOfWork } from "../abuse/pow.usecases.ts";
import type { WriteSwitch } from "../moderation/writes.ts";
import { readBuilt, type WebPages } from "../web/web.routes.ts";
import { opsErrors } from "./ops.errors.ts";
import { apiInfoSchema, clientSchema, healthSchema } from "./ops.schemas.ts";
import { apiInfo, describeApi } from "./ops.usecases.ts";

/**
 * The reference's words for the routes it lists (and a few more of sealbin's); any other route is
 * described by its OpenAPI summary (its route's schema).
 */
const DESCRIPTIONS: Record<string, string> = {
  "GET /": "API information",
  "GET /health": "Health check",
  "GET /metrics": "Prometheus metrics (allowed networks or token)",
  "GET /challenge": "Get proof-of-work challenge",
  "GET /client": "Download the sealbin CLI (one file, Node.js >= 20)",
  "POST /": "Create paste",
  "GET /<id>": "Retrieve paste metadata",
  "HEAD /<id>": "Retrieve paste metadata (headers only)",
  "GET /<id>/raw": "Retrieve raw paste content",
  "HEAD /<id>/raw": "Retrieve raw paste headers (no body)",
  "DELETE /<id>": "Delete paste",
  "GET /pastes": "List your pastes (requires auth)",
  "GET /register/challenge": "Get PoW challenge for registration",
  "POST /register": "Register and get client certificate",
  "POST /s": "Create short URL (PoW required)",
  "GET /s": "List your short URLs (requires auth)",
  "GET /s/<id>": "Redirect to target URL (302)",
  "GET /s/<id>/info": "Short URL metadata",
  "DELETE /s/<id>": "Delete short URL (requires auth)",
  "GET /pki": "PKI status and CA info",
  "GET /pki/ca.crt": "Download CA certificate",
  "POST /v1": "Call a sealed function (registered clients; NaCl boxes)",
  "POST /api/v1/auth/register": "Create an image-store account",
  "POST /api/v1/auth/login": "Get an access token",
  "GET /api/v1/users/<userId>/images": "Your images (Bearer token)",
};

/** Routes the API description leaves out of itself (src/http/openapi.ts), listed all the same. */
const UNDOCUMENTED: readonly [method: string, url: string, description: string][] = [
  ["GET", "/openapi.json", "OpenAPI 3.1 description of every endpoint"],
  ["GET", "/docs", "API documentation (Swagger UI)"],
  ["GET", "/favicon.ico", "The site icon"],
  ["GET", "/static/:name", "The web interface's scripts and styles"],
  ["GET", "/robots.txt", "Crawler rules: only the front page is for indexing"],
  // mini-share-point's clients post to /v1/: the same operation as POST /v1, described once.
  ["POST", "/v1/", "As POST /v1"],
];

const METHOD_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/**
 * Every endpoint the router serves, from the routes Fastify registered (`documentedRoutes`, filled
 * by the onRoute hook of src/http/openapi.ts), so that the list cannot drift from the router: "METHOD
 * /path" with parameters as `<name>`, as the reference writes them, in path order. HEAD is listed
 * where the paste API declares it on its own (a HEAD never burns); Fastify answers HEAD for every
 * other GET as well.
 */
export function endpointsOf(app: FastifyInstance): Record<string, string> {
  const found: [method: string, path: string, description: string][] = [];
  const add = (method: string, url: string) => {
    const path = url.replace(/:([A-Za-z]+)/g, "<$1>");
    const summary = app.routeSummaries.get(`${method} ${url}`);
    found.push([method, path, DESCRIPTIONS[`${method} ${path}`] ?? String(summary ?? "")]);
  };
  for (const route of app.documentedRoutes) {
    const [method = "", openApiPath = ""] = route.split(" ");
    const url = openApiPath.replace(/\{([A-Za-z]+)\}/g, ":$1");
    add(method, url);
    const ownHead = DESCRIPTIONS[`HEAD ${url.replace(/:([A-Za-z]+)/g, "<$1>")}`] !== undefined;
    if (method === "GET" && ownHead && app.hasRoute({ method: "HEAD", url })) add("HEAD", url);
  }
  for (const [method, url, description] of UNDOCUMENTED) {
    if (app.hasRoute({ method: method as "GET", url })) {
      found.push([method, url.replace(/:([A-Za-z]+)/g, "<$1>"), description]);
    }
  }
  found.sort(
    ([ma, ua], [mb, ub]) =>
      (ua < ub ? -1 : ua > ub ? 1 : 0) || METHOD_ORDER.indexOf(ma) - METHOD_ORDER.indexOf(mb),
  );
  return Object.fromEntries(found.map(([method, url, description]) => [`${method} ${url}`, description]));
}

export async function opsRoutes(
  app: FastifyInstance,
  deps: {
    config: Config;
    store: Pick<Store, "ping">;
    pow: ProofOfWork;
    writes: Pick<WriteSwitch, "mode">;
    pages?: WebPages;
  },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  // Built on the first request, when every feature has registered its routes; they never change after.
  let info: ReturnType<typeof apiInfo> | undefined;
  // A browser gets the create page; API clients the description of the API.
  r.get("/", { schema: apiInfoSchema }, async (request, reply) => {
    if (deps.pages && wantsHtml(request)) return deps.pages.send(reply, "create");
    reply.header("vary", "Accept");
    info ??= apiInfo(deps.config, endpointsOf(app));
    return describeApi(deps, info, request.caller);
  });

  r.get("/health", { schema: healthSchema }, async (request, reply) => {
    try {
      await deps.store.ping();
      return { status: "healthy" as const, database: "ok" as const };
    } catch (err) {
      request.log.error({ err }, "health check: database failed");
      return reply.code(503).send({ status: "unhealthy", database: "error" });
    }
  });
  allowOnly(app, "/health", ["GET", "HEAD"]);

  // The CLI, one self-contained file: `curl -o sealbin https://host/client && chmod +x sealbin`.
  // Built from src/cli by scripts/build.ts (see docs/architecture.md).
  const client = await readBuilt("sealbin.js", "text/javascript; charset=utf-8");
  if (!client)
    app.log.warn(
      "the clients are not built (dist/): /client and the page scripts answer 503 until npm run build",
    );
  // The bytes of a file, not a JSON value: the reply is sent as it is (typed as Fastify's plain reply).
  const sendClient = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!client) throw opsErrors.clientsNotBuilt();
    reply
      .type(client.type)
      .header("content-disposition", 'attachment; filename="sealbin"')
      .header("etag", client.etag)
      .header("cache-control", "no-cache");
    if (request.headers["if-none-match"] === client.etag) return reply.code(304).send();
    return reply.send(client.body);
  };
  r.get("/client", { schema: clientSchema }, sendClient);
  allowOnly(app, "/client", ["GET", "HEAD"]);
}

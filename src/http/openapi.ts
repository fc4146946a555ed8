import type { IncomingHttpHeaders } from "node:http";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifySchema,
  LogController,
  type RouteOptions,
} from "fastify";
import pkg from "../../package.json" with { type: "json" };
import { DOCS_BRANDING } from "./docs-branding.ts";
import { ALWAYS, BEARER_REFUSALS, OWN_CREDENTIALS } from "./schemas.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The 405/OPTIONS answer of allowOnly: not an operation of the API. */
    methodFallback?: boolean;
  }
  interface FastifyInstance {
    /** Every operation the router serves and /openapi.json describes, as "METHOD /path". */
    documentedRoutes: string[];
    /** Each operation's summary, by "METHOD /:route" as Fastify registered it. */
    routeSummaries: ReadonlyMap<string, string>;
  }
}

const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z]+)/g, "{$1}");

const SWAGGER_OPTIONS = {
  openapi: {
    openapi: "3.1.0",
    info: {
      title: "sealbin",
      version: pkg.version,
      description:
        'Pastes, files and short links (the FlaskPaste API), sealed functions (/v1) and an image store with accounts (/api/v1). Errors are JSON: `{"error"}` (paste API) or `{"message"}` (/api/v1); every response carries X-Request-ID.',
    },
    tags: [
      { name: "pastes", description: "Create, read and delete pastes" },
      { name: "abuse", description: "Proof-of-work challenges" },
      { name: "pki", description: "Client certificates, registration, audit" },
      { name: "shortener", description: "Short URLs" },
      { name: "functions", description: "Sealed remote functions (mini-share-point)" },
      { name: "accounts", description: "Accounts, tokens and shared images" },
      { name: "operations", description: "Health, metrics, the CLI" },
      { name: "tokens", description: "Scoped API tokens for scripts and CI" },
    ],
    components: {
      securitySchemes: {
        bearer: {
          type: "http" as const,
          scheme: "bearer",
          description:
            "An image-store account's JWT, or an API token (sbt_…, POST /tokens) within its scopes",
        },
        clientCertificate: {
          type: "apiKey" as const,
          in: "header",
          name: "X-SSL-Client-SHA1",
          description: "Set by a TLS-terminating proxy (or from sealbin's own mTLS handshake)",
        },
      },
    },
  },
  // Every GET is also served as HEAD (Fastify's exposeHeadRoutes): the description lists both.
  exposeHeadRoutes: true,
};

const SWAGGER_UI_OPTIONS = {
  routePrefix: "/docs",
  staticCSP: true,
  // Everything from sealbin itself: no validator badge, no web fonts from elsewhere.
  transformStaticCSP: () =>
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'none'",
  uiConfig: { validatorUrl: null, docExpansion: "list" as const, deepLinking: true },
  // sealbin's name, logo, icon and colours instead of the stock ones (docs/web.md).
  ...DOCS_BRANDING,
};

/** The routes /openapi.json is made of, collected as they are registered. */
export type DescribedRoutes = readonly RouteOptions[];

/**
 * The API description, generated from each route's own schema (`<feature>.schemas.ts`), which Fastify
 * also uses to validate params, queries, headers and bodies and to serialise the JSON answers. Call
 * before any route is registered: the onRoute hook checks that every API route describes itself (a
 * summary), adds what every operation can answer, and collects the routes; `serveOpenApi`
 * afterwards serves /openapi.json and the /docs page (Swagger UI, its assets served by sealbin).
 */
export function registerOpenApi(app: FastifyInstance): DescribedRoutes {
  const documented: string[] = [];
  const summaries = new Map<string, string>();
  const described: RouteOptions[] = [];
  const headOnly: { url: string; summary: string }[] = [];
  app.decorate("documentedRoutes", documented);
  app.addHook("onReady", async () => {
    for (const { url, summary } of headOnly) {
      if (documented.includes(`GET ${toOpenApiPath(url)}`)) continue;
      documented.push(`HEAD ${toOpenApiPath(url)}`);
      summaries.set(`HEAD ${url}`, summary);
    }
  });
  app.decorate("routeSummaries", summaries);
  app.addHook("onRoute", (route: RouteOptions) => {
    const methods = ([] as string[]).concat(route.method);
    const outsideApi =
      route.config?.methodFallback ||
      route.url.startsWith("/docs") ||
      route.url === "/openapi.json" ||
      // The web interface's own files: served to its pages, not operations of the API.
      route.url.startsWith("/static/") ||
      // Routes that say so themselves (/favicon.ico, /robots.txt): served, but not API operations.
      (route.schema as { hide?: boolean } | undefined)?.hide === true;
    if (outsideApi) {
      route.schema = { ...(route.schema ?? {}), hide: true } as FastifySchema;
      return;
    }
    const own = route.schema as { summary?: string; response?: Record<string, unknown> } | undefined;
    for (const method of methods) {
      // A route's own HEAD is listed once the routes are all in, if its path has no GET (tus's).
      if (method === "HEAD") {
        if (own?.summary) headOnly.push({ url: route.url, summary: own.summary });
        continue;
      }
      const key = `${method} ${route.url}`;
      if (!own?.summary) throw new Error(`${key} has no API description: give its schema a summary`);
      documented.push(`${method} ${toOpenApiPath(route.url)}`);
      summaries.set(key, own.summary);
    }
    // Every operation can fail, or find the database down: said once here, not on every route.
    if (own?.response) {
      const bearer = OWN_CREDENTIALS.test(route.url) ? {} : BEARER_REFUSALS;
      route.schema = { ...route.schema, response: { ...ALWAYS, ...bearer, ...own.response } };
    }
    // A route's own HEAD (declared before its GET, as Fastify wants) is described as declared; the
    // HEAD Fastify adds after every other GET is left to the docs app, which adds it the same way.
    const head = methods.length === 1 && methods[0] === "HEAD";
    const afterItsGet = described.some(
      (r) => r.url === route.url && ([] as string[]).concat(r.method).includes("GET"),
    );
    if (!(head && afterItsGet)) described.push(route);
  });
  return described;
}

// Hop-by-hop and framing headers: each side of the hand-over sets its own.
const NOT_FORWARDED = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "date",
  "host",
]);

function forwardable(
  headers: IncomingHttpHeaders | Record<string, unknown>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (NOT_FORWARDED.has(name) || value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}

/**
 * GET /openapi.json and the /docs page. The description (@fastify/swagger, with YAML and a JSON
 * Schema resolver) and Swagger UI (@fastify/static, glob, send…) are loaded on the first request
 * for either, not at start-up: they run in a Fastify instance of their own, built then, that is
 * handed the same routes, and /docs requests are answered by it in process (inject). What a client
 * receives is what the plugins registered on this app would send, under this app's hooks (security
 * headers, request id, log), with two differences: a path under /docs that Swagger UI does not have
 * gets this app's 404, and a failure inside it this app's generic 500.
 */
export function serveOpenApi(
  app: FastifyInstance,
  described: DescribedRoutes,
  options: { readonly urlPrefix: string },
): void {
  let docs: Promise<FastifyInstance> | undefined;
  const docsApp = () => {
    docs ??= buildDocsApp(app, described, options.urlPrefix).catch((err: unknown) => {
      docs = undefined;
      throw err;
    });
    return docs;
  };
  app.addHook("onClose", async () => {
    const built = await docs?.catch(() => undefined);
    await built?.close();
  });

  app.get("/openapi.json", async () => (await docsApp()).swagger());

  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    const res = await (await docsApp()).inject({
      method: "GET",
      url: request.url,
      headers: forwardable(request.headers),
    });
    if (res.statusCode === 404) return reply.callNotFound();
    if (res.statusCode >= 500) throw new Error(`API docs answered ${res.statusCode}`);
    reply.headers(forwardable(res.headers));
    reply.code(res.statusCode);
    // An empty answer (a redirect, a 304) stays empty, with no Content-Type of its own.
    return res.rawPayload.length > 0 ? reply.send(res.rawPayload) : reply.send();
  };
  for (const url of ["/docs", "/docs/", "/docs/json", "/docs/yaml", "/docs/static/*"]) app.get(url, forward);
}

async function buildDocsApp(
  app: FastifyInstance,
  described: DescribedRoutes,
  urlPrefix: string,
): Promise<FastifyInstance> {
  const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([
    import("@fastify/swagger"),
    import("@fastify/swagger-ui"),
  ]);
  const docs = Fastify({
    loggerInstance: app.log,
    logController: new LogController({ disableRequestLogging: true }),
    exposeHeadRoutes: true,
  });
  // The routes are here to be described, never called: nothing to compile for them.
  docs.setValidatorCompiler(() => () => true);
  docs.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // Relative to where /openapi.json was fetched from: right behind a proxy and under a URL prefix.
  const servers = [{ url: urlPrefix === "" ? "/" : urlPrefix, description: "This server" }];
  await docs.register(swagger, { ...SWAGGER_OPTIONS, openapi: { ...SWAGGER_OPTIONS.openapi, servers } });
  for (const route of described) {
    // A body the route reads itself (raw bytes, multipart, a form) is described, not validated by
    // Fastify: its schema sits in `docsBody` and becomes the documented body here only.
    const { docsBody, ...schema } = (route.schema ?? {}) as FastifySchema & { docsBody?: unknown };
    docs.route({
      method: route.method,
      url: route.url,
      ...(route.schema && { schema: docsBody ? { ...schema, body: docsBody } : schema }),
      ...(route.config && { config: route.config }),
      handler: async () => undefined,
    });
  }
  await docs.register(swaggerUi, SWAGGER_UI_OPTIONS);
  await docs.ready();
  return docs;
}

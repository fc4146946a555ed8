import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance, FastifySchema, RouteOptions } from "fastify";
import pkg from "../../package.json" with { type: "json" };
import { ROUTE_DOCS } from "./openapi.routes.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The 405/OPTIONS answer of allowOnly: not an operation of the API. */
    methodFallback?: boolean;
  }
  interface FastifyInstance {
    /** Every operation the router serves and /openapi.json describes, as "METHOD /path". */
    documentedRoutes: string[];
  }
}

const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z]+)/g, "{$1}");

/**
 * The API description, generated from the route schemas (src/http/openapi.routes.ts) that Fastify also
 * uses to validate params, queries and bodies. Call before any route is registered: the onRoute hook
 * attaches each route's schema; `serveOpenApi` afterwards serves /openapi.json and the /docs page
 * (Swagger UI, its assets served by sealbin itself).
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const documented: string[] = [];
  app.decorate("documentedRoutes", documented);
  await app.register(swagger, {
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
      ],
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
          clientCertificate: {
            type: "apiKey",
            in: "header",
            name: "X-SSL-Client-SHA1",
            description: "Set by a TLS-terminating proxy (or from sealbin's own mTLS handshake)",
          },
        },
      },
    },
    exposeHeadRoutes: false,
  });
  app.addHook("onRoute", (route: RouteOptions) => {
    const methods = ([] as string[]).concat(route.method);
    if (route.config?.methodFallback || route.url.startsWith("/docs") || route.url === "/openapi.json") {
      route.schema = { ...(route.schema ?? {}), hide: true } as FastifySchema;
      return;
    }
    for (const method of methods) {
      if (method === "HEAD") continue;
      const key = `${method} ${route.url}`;
      const docs = ROUTE_DOCS[key];
      if (!docs) throw new Error(`no API documentation for ${key} (src/http/openapi.routes.ts)`);
      route.schema = { ...(route.schema ?? {}), ...docs } as FastifySchema;
      documented.push(`${method} ${toOpenApiPath(route.url)}`);
    }
  });
}

export async function serveOpenApi(app: FastifyInstance): Promise<void> {
  app.get("/openapi.json", async () => app.swagger());
  await app.register(swaggerUi, {
    routePrefix: "/docs",
    staticCSP: true,
    // Everything from sealbin itself: no validator badge, no web fonts from elsewhere.
    transformStaticCSP: () =>
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'none'",
    uiConfig: { validatorUrl: null, docExpansion: "list", deepLinking: true },
  });
}

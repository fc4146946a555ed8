import type { Server } from "node:http";
import type { Server as HttpsServer } from "node:https";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import type { Config } from "./config/config.ts";
import { abuseRoutes } from "./features/abuse/abuse.routes.ts";
import { ProofOfWork } from "./features/abuse/pow.usecases.ts";
import { registerRateLimits } from "./features/abuse/ratelimit.ts";
import { WriteCounters } from "./features/abuse/write-counters.ts";
import { accountRoutes } from "./features/accounts/accounts.routes.ts";
import { Tokens } from "./features/accounts/accounts.tokens.ts";
import { FunctionClients, serverSecretKey } from "./features/functions/functions.clients.ts";
import { ModuleRunner, readModulesIni } from "./features/functions/functions.modules.ts";
import { functionsRoutes } from "./features/functions/functions.routes.ts";
import { SealedFunctions } from "./features/functions/functions.usecases.ts";
import { identification } from "./features/identity/identity.usecases.ts";
import { moderationRoutes } from "./features/moderation/moderation.routes.ts";
import { Moderation } from "./features/moderation/moderation.usecases.ts";
import { SourceRecorder } from "./features/moderation/source-record.ts";
import { WriteSwitch } from "./features/moderation/writes.ts";
import { metricsRoutes } from "./features/ops/metrics.routes.ts";
import { PrometheusMetrics } from "./features/ops/metrics.ts";
import { opsRoutes } from "./features/ops/ops.routes.ts";
import { pasteRoutes } from "./features/pastes/pastes.routes.ts";
import { AuditLog } from "./features/pki/audit.ts";
import { pkiRoutes } from "./features/pki/pki.routes.ts";
import { Pki } from "./features/pki/pki.usecases.ts";
import { ClickBuffer } from "./features/shortener/clicks.ts";
import { shortenerRoutes } from "./features/shortener/shortener.routes.ts";
import { tokenRoutes } from "./features/tokens/tokens.routes.ts";
import { ApiTokens } from "./features/tokens/tokens.usecases.ts";
import { uploadRoutes } from "./features/uploads/uploads.routes.ts";
import { Uploads } from "./features/uploads/uploads.usecases.ts";
import { loadWeb, webRoutes } from "./features/web/web.routes.ts";
import { registerWebhooks, webhooksOf } from "./features/webhooks/webhooks.plugin.ts";
import { clientErrorHandler, HTTP_ERROR_CODES, registerErrorHandling } from "./http/errors.ts";
import { registerIdentity } from "./http/identity.ts";
import { logDestination } from "./http/log-destination.ts";
import { registerOpenApi, serveOpenApi } from "./http/openapi.ts";
import { requestIdMixin, requestIdOf, runRequestsInContext } from "./http/request-context.ts";
import { registerRequestLog } from "./http/request-log.ts";
import { registerSecurityHeaders, SECURITY_HEADERS } from "./http/security-headers.ts";
import { registerTextInput } from "./http/text-input.ts";
import { loadTlsOptions, TlsReloader, tlsEnabled } from "./http/tls.ts";
import type { Clock } from "./shared/clock.ts";
import type { Metrics } from "./shared/metrics.ts";
import type { Store } from "./store/store.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** This process's Prometheus metrics. */
    metrics: Metrics;
    /** Re-reads the TLS certificate, key and client CA (SIGHUP); a no-op over plain HTTP. */
    reloadTls(): Promise<void>;
    /** The write path's batched counters: `flush()` writes the pending batch now. */
    writeCounters: WriteCounters;
  }
}

/** Adds the request id to log lines written inside a request through the application logger. */
function withRequestIds(logger: NonNullable<FastifyServerOptions["logger"]>): FastifyServerOptions["logger"] {
  return typeof logger === "object" ? { ...logger, mixin: requestIdMixin } : logger;
}

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]
>;
type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };
interface CompiledRoute {
  readonly schema: { properties?: Record<string, unknown>; required?: unknown } | null;
  readonly method: string;
  readonly url: string;
  readonly httpPart?: string;
}
/** The shape of Fastify's compiler factories: (external schemas, options) → route → function. */
type Factory<F> = (externalSchemas: unknown, options: unknown) => (route: CompiledRoute) => F;

/**
 * Fastify's own compiler factory from `name` (a dependency of Fastify, resolved from Fastify itself:
 * the compiler Fastify would build), loaded and set up with the first route function compiled.
 */
function fastifyCompiler<F>(name: string): Factory<F> {
  let build: Factory<F> | undefined;
  return (externalSchemas, options) => {
    let compile: ((route: CompiledRoute) => F) | undefined;
    return (route) => {
      build ??= (createRequire(import.meta.resolve("fastify"))(name) as () => Factory<F>)();
      compile ??= build(externalSchemas, options);
      return compile(route);
    };
  };
}

/**
 * Fastify's validators (Ajv) and response serializers (fast-json-stringify), each route's compiled
 * on the route's first request or response instead of at start-up: compiling every route's schemas
 * (and loading and setting up Ajv twice to do it) was over a third of a start (docs/performance.md).
 * The schemas, the options and so what is checked and sent are Fastify's own; a schema that does
 * not compile now fails its route's first use rather than start-up (the tests use every route).
 */
function lazyCompilers(): CompilersFactory {
  const validators = fastifyCompiler<Validate>("@fastify/ajv-compiler");
  const serializers = fastifyCompiler<(data: unknown) => string>("@fastify/fast-json-stringify-compiler");
  const buildValidator: Factory<Validate> = (externalSchemas, options) => {
    const compileParts = validators(externalSchemas, options);
    // Bodies are checked as sent: a JSON 42 is not the string "42", nor ["x"] the string "x" (the
    // default coercion suits path, query and header strings only).
    const opts = (options ?? {}) as { customOptions?: Record<string, unknown> };
    const compileBody = validators(externalSchemas, {
      ...opts,
      customOptions: { ...opts.customOptions, coerceTypes: false },
    });
    return (route) => {
      const compileNow = route.httpPart === "body" ? compileBody : compileParts;
      // A custom compiler is handed header schemas as written, not lowercased as Fastify does for
      // its own: header names in schemas must be lowercase (they are; this keeps them so).
      if (route.httpPart === "headers") {
        const names = [
          ...Object.keys(route.schema?.properties ?? {}),
          ...[route.schema?.required ?? []].flat(),
        ];
        const upper = names.find((n) => typeof n === "string" && n !== n.toLowerCase());
        if (upper)
          throw new Error(`${route.method} ${route.url}: header schema names must be lowercase (${upper})`);
      }
      let validate: Validate | undefined;
      const lazy: Validate = (data, context) => {
        validate ??= compileNow(route);
        const valid = validate(data, context);
        lazy.errors = validate.errors;
        return valid;
      };
      // Fastify hands an Ajv validator (one with a schemaEnv) the request as parent data, so that
      // coercion can replace a whole request part: the compiled function is an Ajv one.
      lazy.schemaEnv = true;
      return lazy;
    };
  };
  const buildSerializer: Factory<(data: unknown) => string> = (externalSchemas, options) => {
    const compileNow = serializers(externalSchemas, options);
    return (route) => {
      let serialize: ((data: unknown) => string) | undefined;
      return (data) => {
        serialize ??= compileNow(route);
        return serialize(data);
      };
    };
  };
  return { buildValidator, buildSerializer } as unknown as CompilersFactory;
}

export interface AppDeps {
  readonly config: Config;
  readonly store: Store;
  readonly clock: Clock;
  /** Fastify's logger option: pino options, or false. Defaults to JSON lines at config.logLevel. */
  readonly logger?: FastifyServerOptions["logger"];
}

/**
 * The whole HTTP application, every route registered explicitly. It never listens: main.ts does,
 * and tests call it in process or on an ephemeral port.
 */
export async function buildApp(input: AppDeps): Promise<FastifyInstance> {
  const { config } = input;
  // Every feature gets the process's metrics with its other dependencies. The gauges read the
  // proof-of-work difficulty and the store's size when Prometheus scrapes.
  const metrics: PrometheusMetrics = new PrometheusMetrics({
    powDifficulty: () => pow.difficulty(),
    storeBytes: () => input.store.sizeBytes(),
  });
  // Written before the store closes: main closes it after the app.
  const counters = new WriteCounters(input.store, (err) => app.log.error({ err }, "writing counters failed"));
  // Signed webhooks' events go to every feature with its other dependencies: made before the app,
  // they log through its logger once it exists (nothing is emitted before a request).
  const webhooks = webhooksOf({
    ...input,
    log: {
      info: (fields, message) => app.log.info(fields, message),
      warn: (fields, message) => app.log.warn(fields, message),
      error: (fields, message) => app.log.error(fields, message),
    },
  });
  const deps = { ...input, metrics, counters, events: webhooks.events };
  const https = tlsEnabled(config) ? await loadTlsOptions(config, deps.store) : null;
  const web = await loadWeb(config);
  const app = Fastify({
    ...(https ? { https } : {}),
    logger: withRequestIds(deps.logger ?? { level: config.logLevel, stream: logDestination() }),
    // request.log is the application logger: the mixin adds the request id, no child per request.
    childLoggerFactory: (logger) => logger,
    genReqId: requestIdOf,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "requestId" }),
    requestTimeout: config.requestTimeout * 1000,
    keepAliveTimeout: config.keepAliveTimeout * 1000,
    // Node checks request and header deadlines on this interval (30 s by default): a slow client
    // is answered 408 within a second of its deadline.
    http: { headersTimeout: config.headersTimeout * 1000, connectionsCheckingInterval: 1000 },
    routerOptions: { maxParamLength: 16 * 1024 },
    // Form schemas describe fields without forcing a type on an absent body.
    ajv: { customOptions: { strictTypes: false } },
    schemaController: { compilersFactory: lazyCompilers() },
    clientErrorHandler,
    frameworkErrors: (error, request, reply) => {
      // A malformed URL never reaches a route, nor the hooks that set the security headers: answer
      // it in the documented shape, with those headers and the request id.
      (reply as FastifyReply)
        .code(400)
        .headers(SECURITY_HEADERS)
        .header("x-request-id", requestIdOf(request.raw))
        .send(
          error.code === "FST_ERR_BAD_URL"
            ? { error: "Invalid URL", code: HTTP_ERROR_CODES.invalidUrl }
            : { error: "Bad request", code: HTTP_ERROR_CODES.badRequest },
        );
    },
  }) as unknown as FastifyInstance;
  runRequestsInContext(app.server as Server);
  app.decorate("metrics", metrics);
  app.decorate("writeCounters", counters);
  // CONNECT is not for this server: answer it rather than drop the socket.
  app.server.on("connect", (_req, socket: Socket) =>
    clientErrorHandler(Object.assign(new Error("CONNECT"), { code: "CONNECT" }), socket),
  );

  const described = registerOpenApi(app);
  registerSecurityHeaders(app);
  registerRequestLog(app, metrics);
  registerErrorHandling(app, { notFoundPage: web.notFound });
  registerTextInput(app);
  const audit = new AuditLog({ ...deps, log: app.log });
  const tokens = new Tokens(deps);
  const apiTokens = new ApiTokens(deps);
  registerIdentity(app, { config, identify: identification({ ...deps, audit, tokens, apiTokens }) });
  registerRateLimits(app, deps);
  app.addHook("onClose", async () => counters.close());

  const pow = new ProofOfWork(deps);
  const reloader = https ? new TlsReloader({ ...deps, server: app.server as HttpsServer }, https) : null;
  app.decorate("reloadTls", async () => reloader?.reload());
  reloader?.watchForCa(30, (err) => app.log.error({ err }, "TLS reload failed"));
  app.addHook("onClose", async () => reloader?.stop());
  const pki = new Pki({
    ...deps,
    audit,
    // With sealbin terminating mTLS, certificates of a CA created just now verify from the next connection.
    onCaCreated: () => reloader?.reload() ?? Promise.resolve(),
  });
  const writes = new WriteSwitch(deps);
  await writes.seed();
  const sources = new SourceRecorder(deps);
  const moderation = new Moderation({ ...deps, audit, writes });
  webRoutes(app, web);
  await app.register(async (scope) => opsRoutes(scope, { ...deps, pow, writes, pages: web }));
  await app.register(async (scope) => metricsRoutes(scope, deps));
  await app.register(async (scope) => abuseRoutes(scope, { pow }));
  await app.register(async (scope) => pkiRoutes(scope, { ...deps, pow, pki }));
  await app.register(async (scope) =>
    pasteRoutes(scope, { ...deps, pow, audit, writes, sources, pages: web }),
  );
  const uploads = new Uploads({ ...deps, pow, audit, writes, sources });
  await app.register(async (scope) => uploadRoutes(scope, { ...deps, uploads }));
  await app.register(async (scope) => moderationRoutes(scope, { ...deps, pow, moderation }));
  const clicks = new ClickBuffer(deps.store, (err) =>
    app.log.error({ err }, "writing short-URL clicks failed"),
  );
  // Registered after the store's users: onClose hooks run in order, and main closes the store after.
  app.addHook("onClose", async () => clicks.close());
  await app.register(async (scope) => shortenerRoutes(scope, { ...deps, pow, clicks, audit, writes }));

  const runner = new ModuleRunner(
    readModulesIni(config.functionsModules, app.log),
    config.functionsTimeout * 1000,
    app.log,
  );
  app.addHook("onClose", async () => runner.close());
  const clients = new FunctionClients(deps, { secretKey: await serverSecretKey(deps.store, deps.clock) });
  const functions = new SealedFunctions({ ...deps, log: app.log }, clients, runner);
  await app.register(async (scope) => functionsRoutes(scope, { ...deps, functions }));
  await app.register(async (scope) => accountRoutes(scope, { ...deps, tokens }), { prefix: "/api/v1" });
  await app.register(async (scope) => tokenRoutes(scope, { ...deps, apiTokens }));
  await registerWebhooks(app, webhooks);
  serveOpenApi(app, described, { urlPrefix: config.urlPrefix });
  return app;
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.ts";
import { allowOnly } from "../../http/errors.ts";
import type { Clock } from "../../shared/clock.ts";
import type { Metrics } from "../../shared/metrics.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { Store } from "../../store/store.ts";
import { rateLimitKey } from "../abuse/ratelimit.ts";
import { callAliasSchema, callSchema, isSealedCallBody } from "./functions.schemas.ts";
import { Refused, type SealedFunctions } from "./functions.usecases.ts";

const BODY_LIMIT = 64 * 1024;

/**
 * POST /v1 and /v1/: the sealed function API. Success is 200 {"value"}; everything else, parse errors
 * and oversize bodies included, is 401 with an empty body: no hint about what was wrong.
 */
export async function functionsRoutes(
  app: FastifyInstance,
  deps: {
    functions: SealedFunctions;
    config: Config;
    store: Pick<Store, "abuse">;
    clock: Clock;
    metrics?: Metrics;
  },
): Promise<void> {
  const { config, store, clock } = deps;
  // Finding the sender costs a trial decryption per registered client, so an address that collects
  // RATE_NOTFOUND_MAX refusals in a window gets its further calls refused before any of that work.
  const window = () => {
    const now = unixSeconds(clock.now());
    const start = now - (now % config.rateWindow);
    return { start, end: start + config.rateWindow };
  };
  const guarded = config.rateLimit && config.rateNotFoundMax > 0;
  const keyOf = (request: FastifyRequest) => `fn401:${rateLimitKey(request.clientIp, config.rateIpv6Prefix)}`;

  // The body is read raw and parsed here, so that no framework error can answer anything but 401.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: BODY_LIMIT }, (_request, body, done) =>
    done(null, body),
  );

  const refuse = async (
    request: FastifyRequest,
    reply: FastifyReply,
    reason: string,
    level: Refused["level"] = "info",
  ) => {
    request.log[level]({ reason }, "function call refused");
    deps.metrics?.authFailure("function_call");
    if (guarded) {
      const w = window();
      await store.abuse.incrementCounter(keyOf(request), w.start, w.end);
    }
    return reply.code(401).send();
  };
  app.setErrorHandler((err, request, reply) => {
    if (err instanceof Refused) return refuse(request, reply, err.message, err.level);
    return refuse(request, reply, `unreadable request (${(err as { code?: string }).code ?? "error"})`);
  });

  // The body as the "*" parser above hands it over: the raw bytes, or nothing.
  const handler = async (request: FastifyRequest<{ Body: Buffer | undefined }>, reply: FastifyReply) => {
    if (
      guarded &&
      (await store.abuse.readCounter(keyOf(request), window().start)) >= config.rateNotFoundMax
    ) {
      request.log.warn("function call refused unread: too many refused calls from this address");
      return reply.code(401).send();
    }
    const type = request.headers["content-type"] ?? "";
    if (!/^application\/json\s*(;|$)/i.test(type)) return refuse(request, reply, "not JSON");
    let body: unknown;
    try {
      body = JSON.parse(request.body?.toString("utf8") ?? "");
    } catch {
      return refuse(request, reply, "malformed JSON");
    }
    if (!isSealedCallBody(body))
      return refuse(request, reply, "malformed request: not an object of four strings");
    return deps.functions.call(body, request.clientIp);
  };
  app.post("/v1", { schema: callSchema }, handler);
  app.post("/v1/", { schema: callAliasSchema }, handler);
  allowOnly(app, "/v1", ["POST"]);
  allowOnly(app, "/v1/", ["POST"]);
}

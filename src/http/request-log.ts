import type { FastifyInstance, FastifyRequest } from "fastify";
import pino from "pino";
import type { Metrics } from "../shared/metrics.ts";

const MESSAGE = "request completed";

/** What pino keeps of a logger that the access line needs, when the app's logger is pino. */
interface PinoParts {
  readonly stream: { write(line: string): unknown };
  /** `,"pid":…,"hostname":…`, as pino writes it on every line. */
  readonly chindings: string;
  readonly time: () => string;
}

function pinoParts(log: unknown): PinoParts | undefined {
  const l = log as Record<symbol, unknown> & { isLevelEnabled?: (level: string) => boolean };
  const stream = l[pino.symbols.streamSym] as PinoParts["stream"] | undefined;
  const chindings = l[pino.symbols.chindingsSym];
  const time = l[pino.symbols.timeSym];
  if (typeof stream?.write !== "function" || typeof chindings !== "string" || typeof time !== "function")
    return undefined;
  if (!l.isLevelEnabled?.("info")) return undefined;
  return { stream, chindings, time: time as () => string };
}

/**
 * One line per request with the route template (and its duration in the metrics' histogram), never the URL: paste ids are capabilities and
 * queries may carry anything. No header, body or address is logged.
 *
 * The line is pino's own (the same fields in the same order, with the request id the mixin adds),
 * written to pino's destination, but put together here from precomputed parts: one string a request
 * rather than pino's generic serialisation of an object. The request id is a sane token and the
 * method one of the parser's: neither needs escaping; each route's JSON is computed once.
 */
export function registerRequestLog(app: FastifyInstance, metrics: Metrics): void {
  const parts = pinoParts(app.log);
  const routes = new Map<string, string>();
  const line = (request: FastifyRequest, route: string, status: number, ms: number): string => {
    let json = routes.get(route);
    if (json === undefined) {
      json = JSON.stringify(route);
      routes.set(route, json);
    }
    const { chindings, time } = parts as PinoParts;
    return `{"level":30${time()}${chindings},"requestId":"${request.id}","method":"${request.method}","route":${json},"status":${status},"ms":${ms},"msg":"${MESSAGE}"}\n`;
  };
  app.addHook("onResponse", (request, reply, done) => {
    const route = request.routeOptions.url ?? "(unmatched)";
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    if (parts) parts.stream.write(line(request, route, reply.statusCode, ms));
    else request.log.info({ method: request.method, route, status: reply.statusCode, ms }, MESSAGE);
    metrics.observeRequest(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

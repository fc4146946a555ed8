import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, Server } from "node:http";
import { requestIdFor } from "./request-id.ts";

const context = new AsyncLocalStorage<{ requestId: string }>();
const REQUEST_ID = Symbol("sealbin.requestId");

/**
 * Runs each request in an async context that knows its id, before Fastify sees it: log lines
 * written through the application logger while serving a request (audit events, function modules)
 * carry the request id too, not only those written through request.log.
 */
export function runRequestsInContext(server: Server): void {
  const listeners = server.listeners("request") as ((req: IncomingMessage, res: unknown) => void)[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res) => {
    const requestId = requestIdFor(req);
    (req as IncomingMessage & { [REQUEST_ID]?: string })[REQUEST_ID] = requestId;
    context.run({ requestId }, () => {
      for (const listener of listeners) listener.call(server, req, res);
    });
  });
}

/** Fastify's genReqId: the id chosen above (the client's sane X-Request-ID, or a fresh UUID). */
export function requestIdOf(req: IncomingMessage): string {
  return (req as IncomingMessage & { [REQUEST_ID]?: string })[REQUEST_ID] ?? requestIdFor(req);
}

/**
 * pino mixin: the request id on every line written while serving a request, whichever logger
 * writes it (request.log is the application logger itself: no child logger per request).
 */
export function requestIdMixin(): { requestId?: string } {
  const store = context.getStore();
  return store ? { requestId: store.requestId } : {};
}

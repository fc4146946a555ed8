import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from "fastify";
import { isAppError } from "../shared/errors.ts";
import { StoreUnavailable } from "../store/store.errors.ts";
import { SECURITY_HEADERS } from "./security-headers.ts";

// Not `import { STATUS_CODES } from "node:http"`: an ES import of node:http builds its whole
// namespace, which loads undici for http's WebSocket exports (80 ms and 12 MiB at start-up).
const { STATUS_CODES } = process.getBuiltinModule("node:http");

// Fastify's own 4xx errors, in our words (their messages can quote user input), with our codes.
const FRAMEWORK_ERRORS: Record<string, [code: string, message: string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ["invalid_json", "Invalid JSON body"],
  FST_ERR_CTP_EMPTY_JSON_BODY: ["invalid_json", "Invalid JSON body"],
  FST_ERR_CTP_BODY_TOO_LARGE: ["body_too_large", "Request body too large"],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ["unsupported_media_type", "Unsupported Content-Type"],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ["invalid_content_length", "Invalid Content-Length"],
  FST_ERR_BAD_URL: ["invalid_url", "Invalid URL"],
  FST_ERR_ASYNC_CONSTRAINT: ["invalid_request", "Invalid request"],
};

/** The codes of the answers this module makes itself (docs/api.md lists every code). */
export const HTTP_ERROR_CODES = {
  invalidRequest: "invalid_request",
  notFound: "not_found",
  methodNotAllowed: "method_not_allowed",
  internal: "internal_error",
  badRequest: "bad_request",
  invalidUrl: "invalid_url",
  headersTooLarge: "headers_too_large",
  requestTimeout: "request_timeout",
  databaseUnavailable: "database_unavailable",
} as const;

export interface ErrorHandlingOptions {
  /**
   * The answer for a browser asking for a path that is not there (the web interface's HTML page);
   * returns undefined for everyone else, who get the JSON `{"error": "Not found"}`.
   */
  readonly notFoundPage?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined;
}

/**
 * One place turns every error into the documented JSON: an AppError into its status and body, a
 * framework 4xx into `{"error": ...}`, and anything else into a generic 500, logged in full with the
 * request id, its details never sent.
 */
export function registerErrorHandling(app: FastifyInstance, options: ErrorHandlingOptions = {}): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (isAppError(error)) {
      return reply.code(error.status).headers(error.headers).send(error.body);
    }
    if (error instanceof StoreUnavailable) {
      // Logged (without the driver's detail in the answer): an operator wants to know.
      request.log.warn({ err: error.cause }, "database unavailable");
      return reply.code(503).header("retry-after", "5").send({
        error: "Database unavailable",
        code: HTTP_ERROR_CODES.databaseUnavailable,
        hint: "try again shortly",
      });
    }
    if (error.validation) {
      return reply
        .code(400)
        .send({ error: "Invalid request", code: HTTP_ERROR_CODES.invalidRequest, detail: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const [code, message] = FRAMEWORK_ERRORS[error.code] ?? [
        HTTP_ERROR_CODES.badRequest,
        STATUS_CODES[status] ?? "Bad request",
      ];
      return reply.code(status).send({ error: message, code });
    }
    request.log.error({ err: error }, "unhandled error");
    return reply
      .code(500)
      .send({ error: "Internal server error", code: HTTP_ERROR_CODES.internal, request_id: request.id });
  });

  const { notFoundPage } = options;
  app.setNotFoundHandler(async (request, reply) => {
    const notFound = { error: "Not found", code: HTTP_ERROR_CODES.notFound };
    if (!notFoundPage) return reply.code(404).send(notFound);
    // The same URL answers a page or JSON depending on Accept: caches must keep them apart.
    reply.header("vary", "Accept");
    return notFoundPage(request, reply) ?? reply.code(404).send(notFound);
  });
}

/** Answers the methods a path does not serve with 405 and an Allow header (OPTIONS: 204 and Allow). */
export function allowOnly(app: FastifyInstance, url: string, allowed: readonly HTTPMethods[]): void {
  const others = app.supportedMethods.filter((m) => !allowed.includes(m as HTTPMethods)) as HTTPMethods[];
  const allow = allowed.join(", ");
  app.route({
    method: others,
    url,
    exposeHeadRoute: false,
    config: { methodFallback: true },
    handler: async (request, reply) => {
      reply.header("allow", allow);
      if (request.method === "OPTIONS") return reply.code(204).send();
      return reply.code(405).send({ error: "Method not allowed", code: HTTP_ERROR_CODES.methodNotAllowed });
    },
  });
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, "Request headers too large", HTTP_ERROR_CODES.headersTooLarge],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request timeout", HTTP_ERROR_CODES.requestTimeout],
  CONNECT: [405, "Method not allowed", HTTP_ERROR_CODES.methodNotAllowed],
};

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (malformed, headers too large, too slow)
 * still get a JSON error with the security headers, and never a 5xx.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  // Garbage after a complete request on one connection: that request is answered first (its paste
  // is stored and its 201 sent), then the garbage gets its 400 and the connection closes. A request
  // whose own body is broken or late gets the error at once, as before.
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (inFlight && !inFlight.writableFinished && inFlight.req?.complete && error.code?.startsWith("HPE_")) {
    let answered = false;
    const answerLater = () => {
      if (answered) return;
      answered = true;
      setImmediate(() => clientErrorHandler(error, socket));
    };
    inFlight.once("finish", answerLater);
    inFlight.once("close", answerLater);
    return;
  }
  const [status, message, code] = CLIENT_ERRORS[error.code ?? ""] ?? [
    400,
    "Bad request",
    HTTP_ERROR_CODES.badRequest,
  ];
  const body = JSON.stringify({ error: message, code });
  const headers = {
    ...SECURITY_HEADERS,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(body)),
    connection: "close",
  };
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`);
}

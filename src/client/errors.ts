/**
 * The client's errors, as values the CLI and the page decide on: `unreachable` (no answer from the
 * server), `refused` (an answer outside 2xx, with its status and body), `bad-answer` (an answer
 * that is not what this API sends), `too-large` (a paste over the server's limit: refused before any
 * work when the limits are known, or the server's 413).
 */
import { utf8OrNull } from "../protocol/bytes.ts";
import type { HttpResponse } from "./transport.ts";

export type ClientErrorKind = "unreachable" | "refused" | "bad-answer" | "too-large";

/** Reason phrases for statuses a sealbin server answers with, for bodies that carry no message. */
const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  451: "Unavailable For Legal Reasons",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** Marks every ClientError, whichever bundle made it (the page's app.js, or files.js it imports). */
const BRAND = Symbol.for("sealbin.ClientError");

export class ClientError extends Error {
  /** `instanceof` by the brand: the page's lazy bundles each carry a copy of this class. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && BRAND in value;
  }
  readonly [BRAND] = true;
  readonly kind: ClientErrorKind;
  /** The HTTP status, for `refused`. */
  readonly status: number | undefined;
  /** The answer's JSON body when it had one, for `refused`. */
  readonly body: Record<string, unknown> | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * For `unreachable`, what went wrong, for callers that advise on it: a system error code
   * (ECONNREFUSED…), or "plain-http" (TLS to a server that speaks HTTP), "untrusted-certificate",
   * "expired-certificate", "certificate-name", "proxy-refused", "cut" (the answer stopped short).
   */
  readonly reason: string | undefined;
  /** For `unreachable`, the origin that was not reached (a server, or a proxy). */
  readonly origin: string | undefined;

  constructor(
    kind: ClientErrorKind,
    message: string,
    detail: {
      status?: number;
      body?: Record<string, unknown>;
      headers?: Record<string, string>;
      reason?: string;
      origin?: string;
    } = {},
  ) {
    super(message);
    this.name = "ClientError";
    this.kind = kind;
    this.status = detail.status;
    this.body = detail.body;
    this.headers = detail.headers ?? {};
    this.reason = detail.reason;
    this.origin = detail.origin;
  }

  /** The server's stable error code (`paste_not_found`…), when its answer carries one. */
  get code(): string | undefined {
    return typeof this.body?.code === "string" ? this.body.code : undefined;
  }

  /** The server's own words: `error` (paste API) or `message` (image store), else the reason phrase. */
  get serverMessage(): string {
    const said = this.body?.error ?? this.body?.message;
    return typeof said === "string" ? said : (STATUS_TEXT[this.status ?? 0] ?? "error");
  }
}

/** The answer's JSON object, or undefined when it is not one. */
export function jsonObjectOf(body: Uint8Array): Record<string, unknown> | undefined {
  const text = utf8OrNull(body);
  if (text === null) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** One line for a refusal: status, the server's error, its hint, and when to retry. */
export function refusal(res: HttpResponse): ClientError {
  const body = jsonObjectOf(res.body);
  const error = new ClientError("refused", "", {
    status: res.status,
    ...(body ? { body } : {}),
    headers: { ...res.headers },
  });
  const hint = typeof body?.hint === "string" ? ` (hint: ${body.hint})` : "";
  const retry = res.headers["retry-after"] ? ` (retry after ${res.headers["retry-after"]} s)` : "";
  Object.defineProperty(error, "message", {
    value: `server answered ${res.status}: ${error.serverMessage}${hint}${retry}`,
  });
  return error;
}

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

/** What a too-large paste is told, whether the client saw it coming or the server answered 413. */
export function tooLargeMessage(o: {
  readonly size: number;
  readonly maxSize: number;
  readonly authenticated: boolean;
  /** The identified callers' limit, when known and larger. */
  readonly maxAuth?: number;
}): string {
  const whose = o.authenticated ? "authenticated" : "anonymous";
  const more =
    !o.authenticated && o.maxAuth !== undefined && o.maxAuth > o.maxSize
      ? ` (authenticate with a certificate or token for ${mib(o.maxAuth)})`
      : "";
  return `paste too large: ${mib(o.size)}, the limit for ${whose} pastes is ${mib(o.maxSize)}${more}`;
}

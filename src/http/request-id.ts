import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

// A sane token: short, printable, nothing that could forge a log line or a header.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The client's X-Request-ID when it is a sane token, a fresh UUID otherwise. */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

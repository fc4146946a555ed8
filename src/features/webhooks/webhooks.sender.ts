import { lookup as dnsLookup, type LookupAddress } from "node:dns";

import type { LookupFunction, Socket } from "node:net";
import { refusedAddress } from "./webhooks.addresses.ts";

// Not an ES import of node:http: that builds its whole namespace, which loads undici for http's
// WebSocket exports (src/http/errors.ts says what it costs at start-up).
const { request: httpRequest } = process.getBuiltinModule("node:http");
const { request: httpsRequest } = process.getBuiltinModule("node:https");

/** How one attempt ended: delivered (a 2xx), failed (to be retried), or refused (given up at once). */
export type SendResult =
  | { readonly kind: "delivered"; readonly status: number }
  | { readonly kind: "failed"; readonly reason: string }
  | { readonly kind: "refused"; readonly reason: string };

/** Said to owners in GET /webhooks: which range, or what a name resolved to, is not told (no DNS oracle). */
export const ADDRESS_REFUSED = "address refused: not a public address (SEALBIN_WEBHOOK_ALLOW_PRIVATE is off)";
const REFUSED_CODE = "ERR_SEALBIN_ADDRESS_REFUSED";

/**
 * Resolves as Node would, and keeps only the addresses the guard allows: the socket then connects
 * to one of those and to nothing else, so a name that resolves to a private address — now, or at
 * the next resolution (DNS rebinding) — is never connected to.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, "", 0);
    const allowed = addresses.filter((a) => refusedAddress(a.address) === null);
    const first = allowed[0];
    if (first === undefined) {
      return callback(Object.assign(new Error("address refused"), { code: REFUSED_CODE }), "", 0);
    }
    if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
    else callback(null, first.address, first.family);
  });
};

/**
 * POSTs one signed delivery (node:http or node:https, a connection of its own). With the guard on
 * (`allowPrivate` false) the address is checked three times: a literal host before connecting,
 * each resolved address before connecting (guardedLookup), and the socket's peer once connected,
 * before a byte of the request is written. Redirects are not followed; the response's body is not
 * read (the connection is closed once its status is known); the whole attempt is bounded by
 * `timeoutMs`. Never throws.
 */
export function sendDelivery(
  target: { readonly url: string; readonly headers: Record<string, string>; readonly body: string },
  options: { readonly allowPrivate: boolean; readonly timeoutMs: number },
): Promise<SendResult> {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    return Promise.resolve({ kind: "refused", reason: "invalid URL" });
  }
  const guard = !options.allowPrivate;
  if (guard && refusedAddress(url.hostname) !== null) {
    return Promise.resolve({ kind: "refused", reason: ADDRESS_REFUSED });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Promise.resolve({ kind: "refused", reason: "invalid URL" });
  }
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const request = send(url, {
      method: "POST",
      agent: false,
      ...(guard && { lookup: guardedLookup }),
      headers: {
        ...target.headers,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(target.body)),
        "user-agent": "sealbin-webhooks",
      },
    });
    const timer = setTimeout(() => finish({ kind: "failed", reason: "timed out" }), options.timeoutMs);
    request.on("socket", (socket: Socket) => {
      const send = () => {
        if (guard) {
          const peer = socket.remoteAddress;
          if (peer === undefined || refusedAddress(peer) !== null) {
            return finish({ kind: "refused", reason: ADDRESS_REFUSED });
          }
        }
        request.end(target.body);
      };
      if (socket.connecting) socket.once("connect", send);
      else send();
    });
    request.on("response", (response) => {
      const status = response.statusCode ?? 0;
      response.destroy();
      if (status >= 200 && status < 300) finish({ kind: "delivered", status });
      else if (status >= 300 && status < 400)
        finish({ kind: "failed", reason: `HTTP ${status} (redirects are not followed)` });
      else finish({ kind: "failed", reason: `HTTP ${status}` });
    });
    request.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === REFUSED_CODE) return finish({ kind: "refused", reason: ADDRESS_REFUSED });
      finish({ kind: "failed", reason: `connection failed (${err.code ?? "error"})` });
    });
  });
}

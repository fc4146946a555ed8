/** The web page's transport: fetch, same origin. Upload progress is reported once the body is sent. */
import { ClientError } from "./errors.ts";
import type { Transport } from "./transport.ts";

export function fetchTransport(): Transport {
  return async (request) => {
    let res: Response;
    try {
      res = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body ? { body: request.body as Uint8Array<ArrayBuffer> } : {}),
      });
    } catch (err) {
      throw new ClientError("unreachable", `cannot reach ${new URL(request.url).origin}: ${err}`);
    }
    if (request.body) request.onUpload?.(request.body.length, request.body.length);
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const total = Number(headers["content-length"] ?? 0);
    const sink = res.ok ? request.sink : undefined;
    if (res.ok) request.onAnswer?.(res.status, headers);
    const chunks: Uint8Array[] = [];
    let received = 0;
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.length;
        request.onDownload?.(received, total);
        if (sink) await sink(value);
        else chunks.push(value);
      }
    }
    const body = new Uint8Array(received && !sink ? received : 0);
    let at = 0;
    for (const c of chunks) {
      body.set(c, at);
      at += c.length;
    }
    return { status: res.status, headers, body };
  };
}

/**
 * The CLI's transport: node:http and node:https, with the configured CA trusted beside the public
 * roots and an optional client certificate. Bodies go out in 256 KiB steps with backpressure, so
 * upload progress is real; answers stream to a sink when one is given.
 */
import http from "node:http";
import https from "node:https";
import tls from "node:tls";
import { ClientError } from "./errors.ts";
import type { HttpResponse, Transport } from "./transport.ts";

export interface TlsFiles {
  /** PEM of a CA to trust in addition to the public roots. */
  readonly ca?: string | Uint8Array;
  readonly cert?: string | Uint8Array;
  readonly key?: string | Uint8Array;
}

const WHY: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  ETIMEDOUT: "timed out",
  ECONNRESET: "connection reset",
  EAI_AGAIN: "name resolution failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

const STEP = 256 * 1024;

export function nodeTransport(options: { tls?: TlsFiles; timeoutMs?: number } = {}): Transport {
  const files = options.tls ?? {};
  const tlsOptions: https.RequestOptions = {};
  if (files.ca) tlsOptions.ca = [...tls.rootCertificates, Buffer.from(files.ca).toString("utf8")];
  if (files.cert) tlsOptions.cert = Buffer.from(files.cert);
  if (files.key) tlsOptions.key = Buffer.from(files.key);
  const timeout = options.timeoutMs ?? 30_000;

  return (request) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const secure = request.url.startsWith("https:");
      const headers: Record<string, string> = { ...request.headers };
      const body = request.body;
      if (body) headers["content-length"] = String(body.length);
      const unreachable = (err: NodeJS.ErrnoException) =>
        new ClientError(
          "unreachable",
          `cannot reach ${new URL(request.url).origin}: ${WHY[err.code ?? ""] ?? err.message}`,
        );
      let answered = false;
      const req = (secure ? https : http).request(
        request.url,
        { method: request.method, headers, timeout, ...(secure ? tlsOptions : {}) },
        (res) => {
          answered = true;
          const status = res.statusCode ?? 0;
          const total = Number(res.headers["content-length"] ?? 0);
          const sink = status >= 200 && status < 300 ? request.sink : undefined;
          const chunks: Buffer[] = [];
          let received = 0;
          const flat: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(", ") : v;
          }
          (async () => {
            for await (const chunk of res as AsyncIterable<Buffer>) {
              received += chunk.length;
              request.onDownload?.(received, total);
              if (sink) await sink(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
              else chunks.push(chunk);
            }
            if (!res.complete) throw new ClientError("unreachable", "the connection was cut mid-answer");
            return { status, headers: flat, body: new Uint8Array(Buffer.concat(chunks)) };
          })().then(resolve, (err: unknown) =>
            reject(
              err instanceof ClientError ? err : new ClientError("unreachable", `the answer was cut: ${err}`),
            ),
          );
        },
      );
      req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
      req.on("error", (err: NodeJS.ErrnoException) => {
        // The server may answer (413, 429) and close while the body is still going out: the answer wins.
        if (!answered) reject(unreachable(err));
      });
      if (!body) {
        req.end();
        return;
      }
      let offset = 0;
      const pump = () => {
        while (offset < body.length) {
          const chunk = body.subarray(offset, offset + STEP);
          offset += chunk.length;
          request.onUpload?.(offset, body.length);
          if (!req.write(chunk)) {
            req.once("drain", pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
}

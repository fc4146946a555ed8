/**
 * The CLI's transport: node:http and node:https, with the configured CA trusted beside the public
 * roots, an optional client certificate, and the proxies the environment names (node-proxy.ts). Bodies go
 * out in 256 KiB steps with backpressure, so upload progress is real; answers stream to a sink when
 * one is given. A failure says why in words a user can act on, with a `reason` the CLI decides on.
 */
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import tls from "node:tls";
import { ClientError } from "./errors.ts";
import { type ProxySettings, proxyAuthorization, proxyFor } from "./node-proxy.ts";
import type { HttpRequest, HttpResponse, Transport } from "./transport.ts";

export interface TlsFiles {
  /** PEM of a CA to trust in addition to the public roots. */
  readonly ca?: string | Uint8Array;
  readonly cert?: string | Uint8Array;
  readonly key?: string | Uint8Array;
}

export interface NodeTransportOptions {
  readonly tls?: TlsFiles;
  readonly timeoutMs?: number;
  /** From proxyFromEnv(process.env); none: every server is reached directly. */
  readonly proxy?: ProxySettings;
  /** Accept any server certificate (only to fetch a CA to trust, which is then checked). */
  readonly insecure?: boolean;
  /** Hears the certificates an https:// server presented (DER, its own first) with each answer. */
  readonly onPeerCertificates?: (chain: Uint8Array[]) => void;
}

const WHY: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  ETIMEDOUT: "timed out",
  ECONNRESET: "connection reset",
  EPIPE: "connection closed",
  EAI_AGAIN: "name resolution failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

/** Certificate checks that fail because no trusted CA signed the server's certificate. */
const UNTRUSTED = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
]);

/** What a failure to get an answer was, as a reason the CLI decides on and words for the user. */
function whyUnreachable(err: NodeJS.ErrnoException): { reason: string; words: string } {
  const code = err.code ?? "";
  if (
    code === "ERR_SSL_WRONG_VERSION_NUMBER" ||
    /wrong version number|packet length too long/i.test(err.message)
  )
    return { reason: "plain-http", words: "it answers plain HTTP, not HTTPS" };
  if (UNTRUSTED.has(code))
    return {
      reason: "untrusted-certificate",
      words: "its certificate is not signed by a CA this machine trusts",
    };
  if (code === "CERT_HAS_EXPIRED")
    return { reason: "expired-certificate", words: "its certificate has expired" };
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID")
    return { reason: "certificate-name", words: `its certificate is for another name (${err.message})` };
  return { reason: code || "network", words: WHY[code] ?? err.message };
}

const STEP = 256 * 1024;

export function nodeTransport(options: NodeTransportOptions = {}): Transport {
  const files = options.tls ?? {};
  const tlsOptions: tls.ConnectionOptions = {};
  if (files.ca) tlsOptions.ca = [...tls.rootCertificates, Buffer.from(files.ca).toString("utf8")];
  if (files.cert) tlsOptions.cert = Buffer.from(files.cert);
  if (files.key) tlsOptions.key = Buffer.from(files.key);
  if (options.insecure) tlsOptions.rejectUnauthorized = false;
  const timeout = options.timeoutMs ?? 30_000;

  return async (request) => {
    const target = new URL(request.url);
    const secure = target.protocol === "https:";
    const proxy = proxyFor(target, options.proxy);
    const failed = (err: NodeJS.ErrnoException, viaProxy: boolean) => {
      const { reason, words } = whyUnreachable(err);
      const where = viaProxy && proxy ? `the proxy ${proxy.url.origin} (from ${proxy.from})` : target.origin;
      return new ClientError("unreachable", `cannot reach ${where}: ${words}`, {
        reason,
        origin: viaProxy && proxy ? proxy.url.origin : target.origin,
      });
    };
    const headers: Record<string, string> = { ...request.headers };
    if (request.body) headers["content-length"] = String(request.body.length);
    let requestOptions: http.RequestOptions | https.RequestOptions;
    if (proxy && !secure) {
      // A plain request through the proxy: the absolute URI on the request line.
      requestOptions = {
        host: proxy.url.hostname.replace(/^\[|\]$/g, ""),
        port: proxy.url.port || 80,
        path: target.href,
        headers: { ...headers, host: target.host, ...proxyAuthorization(proxy.url) },
      };
    } else {
      const socket = proxy ? await tunnel(proxy, target, timeout, (err) => failed(err, true)) : undefined;
      const tlsSocket = socket ? await startTls(socket, target, tlsOptions, timeout, failed) : undefined;
      requestOptions = {
        host: target.hostname.replace(/^\[|\]$/g, ""),
        port: target.port || (secure ? 443 : 80),
        path: `${target.pathname}${target.search}`,
        // Through a tunnel the request goes out on node:http, whose default port is not https's.
        headers: tlsSocket ? { ...headers, host: target.host } : headers,
        ...(secure ? tlsOptions : {}),
        // With no agent, the request takes the socket createConnection gives (an agent would open its own).
        ...(tlsSocket ? { createConnection: () => tlsSocket } : {}),
      };
    }
    return send(
      request,
      secure && !proxy ? https : http,
      { ...requestOptions, method: request.method, timeout },
      (e) => failed(e, Boolean(proxy) && !secure),
      options.onPeerCertificates,
    );
  };
}

/** A CONNECT tunnel through `proxy` to the target's host and port. */
function tunnel(
  proxy: { url: URL; from: string },
  target: URL,
  timeout: number,
  failed: (err: NodeJS.ErrnoException) => ClientError,
): Promise<Socket> {
  const authority = `${target.hostname}:${target.port || 443}`;
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: proxy.url.hostname.replace(/^\[|\]$/g, ""),
      port: proxy.url.port || 80,
      method: "CONNECT",
      path: authority,
      headers: { host: authority, ...proxyAuthorization(proxy.url) },
      timeout,
    });
    req.on("connect", (res, socket) => {
      if (res.statusCode === 200) {
        resolve(socket);
        return;
      }
      socket.destroy();
      reject(
        new ClientError(
          "unreachable",
          `the proxy ${proxy.url.origin} (from ${proxy.from}) would not connect to ${authority}: it answered ${res.statusCode} ${res.statusMessage ?? ""}`.trim(),
          { reason: "proxy-refused", status: res.statusCode ?? 0 },
        ),
      );
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    req.on("error", (err: NodeJS.ErrnoException) => reject(failed(err)));
    req.end();
  });
}

/** TLS with the server over a tunnel, its certificate checked as on a direct connection. */
function startTls(
  socket: Socket,
  target: URL,
  tlsOptions: tls.ConnectionOptions,
  timeout: number,
  failed: (err: NodeJS.ErrnoException, viaProxy: boolean) => ClientError,
): Promise<tls.TLSSocket> {
  const host = target.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve, reject) => {
    const secured = tls.connect({
      ...tlsOptions,
      socket,
      ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }),
      host,
    });
    const timer = setTimeout(
      () => secured.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })),
      timeout,
    );
    secured.once("secureConnect", () => {
      clearTimeout(timer);
      resolve(secured);
    });
    secured.once("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(failed(err, false));
    });
  });
}

/** The certificates of a detailed peer certificate, its own first, each once. */
function peerChain(cert: tls.DetailedPeerCertificate): Uint8Array[] {
  const chain: Uint8Array[] = [];
  const seen = new Set<string>();
  for (
    let c: tls.DetailedPeerCertificate | undefined = cert;
    c?.raw && !seen.has(c.fingerprint256);
    c = c.issuerCertificate
  ) {
    seen.add(c.fingerprint256);
    chain.push(new Uint8Array(c.raw));
  }
  return chain;
}

/** One request and its answer: the body in steps, the answer to the sink or buffered. */
function send(
  request: HttpRequest,
  module: typeof http | typeof https,
  options: http.RequestOptions,
  failed: (err: NodeJS.ErrnoException) => ClientError,
  onPeerCertificates?: (chain: Uint8Array[]) => void,
): Promise<HttpResponse> {
  const body = request.body;
  return new Promise<HttpResponse>((resolve, reject) => {
    let answered = false;
    const req = module.request(options, (res) => {
      answered = true;
      const socket = res.socket as tls.TLSSocket;
      if (onPeerCertificates && typeof socket.getPeerCertificate === "function") {
        onPeerCertificates(peerChain(socket.getPeerCertificate(true)));
      }
      const status = res.statusCode ?? 0;
      const total = Number(res.headers["content-length"] ?? 0);
      const sink = status >= 200 && status < 300 ? request.sink : undefined;
      const chunks: Buffer[] = [];
      let received = 0;
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(", ") : v;
      }
      let sinkError: { error: unknown } | undefined;
      (async () => {
        if (status >= 200 && status < 300) request.onAnswer?.(status, flat);
        for await (const chunk of res as AsyncIterable<Buffer>) {
          received += chunk.length;
          request.onDownload?.(received, total);
          if (!sink) {
            chunks.push(chunk);
            continue;
          }
          try {
            await sink(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
          } catch (error) {
            // The caller's own failure (a full disk, a closed pipe): it stops the download as it is.
            sinkError = { error };
            res.destroy();
            throw error;
          }
        }
        if (!res.complete) throw new Error("incomplete");
        return { status, headers: flat, body: new Uint8Array(Buffer.concat(chunks)) };
      })().then(resolve, (err: unknown) => {
        if (sinkError) {
          reject(sinkError.error);
          return;
        }
        const of = total > 0 ? ` of ${total}` : "";
        reject(
          new ClientError(
            "unreachable",
            `the connection to ${new URL(request.url).origin} was cut after ${received}${of} bytes of the answer${(err as Error)?.message === "incomplete" ? "" : ` (${(err as Error)?.message ?? err})`}`,
            { reason: "cut" },
          ),
        );
      });
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (answered) return;
      // The server may answer (413, 429) and close while the body is still going out: its answer
      // wins when it comes, so a closed connection waits a moment for it.
      if (
        body &&
        (err.code === "EPIPE" || err.code === "ECONNRESET") &&
        req.socket &&
        !req.socket.connecting
      ) {
        setTimeout(() => {
          if (!answered) reject(failed(err));
        }, 500);
        return;
      }
      reject(failed(err));
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

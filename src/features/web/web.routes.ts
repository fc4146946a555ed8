import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.ts";
import { allowOnly } from "../../http/errors.ts";

const WEB = new URL("../../../web/", import.meta.url);
const CLI = new URL("../../../bin/sealbin.cjs", import.meta.url);
const QRCODE = new URL("../../../node_modules/qrcode-generator/dist/qrcode.mjs", import.meta.url);

/**
 * The pages' policy: their own scripts, styles and workers only (no inline script, no CDN), images
 * and media from blob: (decrypted in the page) and data: (the QR code), requests to sealbin only.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

const asset = (body: Buffer | string, type: string): Asset => {
  const bytes = Buffer.from(body);
  return {
    body: bytes,
    type,
    etag: `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 22)}"`,
  };
};

/**
 * The proof-of-work worker is the CLI's own search (between its pow-search markers), so that the
 * browser and the CLI solve challenges with one piece of code.
 */
async function powWorker(): Promise<string> {
  const cli = await readFile(CLI, "utf8");
  const search = /\/\/ ---- pow-search: begin[^\n]*\n([\s\S]*?)\/\/ ---- pow-search: end/.exec(cli)?.[1];
  if (!search) throw new Error("bin/sealbin.cjs has no pow-search section");
  return [
    '"use strict";',
    "// sealbin's proof-of-work search, taken by the server from bin/sealbin.cjs.",
    'function searchPowPlain() { throw new Error("challenge nonce too long for one SHA-256 block"); }',
    search,
    "onmessage = (e) => searchPow(e.data, (msg) => postMessage(msg));",
    "",
  ].join("\n");
}

/** A browser asking for a page (Accept names text/html); API clients (curl, fetch: any type) get JSON. */
export function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === "string" && accept.includes("text/html");
}

export interface WebPages {
  /** Sends the create page (`view` "create") or the paste page (`view` "paste"). */
  send(reply: FastifyReply, view: "create" | "paste"): FastifyReply;
}

/** GET /static/{name}: the pages' assets, from a fixed list (nothing else on disk is reachable). */
export async function webRoutes(app: FastifyInstance, deps: { config: Config }): Promise<WebPages> {
  const assets = new Map<string, Asset>([
    ["app.js", asset(await readFile(new URL("app.js", WEB)), "text/javascript; charset=utf-8")],
    ["app.css", asset(await readFile(new URL("app.css", WEB)), "text/css; charset=utf-8")],
    ["qrcode.mjs", asset(await readFile(QRCODE), "text/javascript; charset=utf-8")],
    ["pow-worker.js", asset(await powWorker(), "text/javascript; charset=utf-8")],
  ]);
  const template = await readFile(new URL("page.html", WEB), "utf8");
  // The prefix is a validated path (/[A-Za-z0-9/_-]…): it needs no escaping beyond this.
  const page = (view: string) =>
    Buffer.from(
      template
        .replaceAll("{{prefix}}", deps.config.urlPrefix.replace(/[<>"&']/g, ""))
        .replaceAll("{{view}}", view),
    );
  const pages = { create: page("create"), paste: page("paste") };

  app.get("/static/:name", async (request: FastifyRequest<{ Params: { name: string } }>, reply) => {
    const found = assets.get(request.params.name);
    if (!found) return reply.code(404).send({ error: "Not found" });
    reply.type(found.type).header("etag", found.etag).header("cache-control", "no-cache");
    if (request.headers["if-none-match"] === found.etag) return reply.code(304).send();
    return reply.send(found.body);
  });
  allowOnly(app, "/static/:name", ["GET", "HEAD"]);

  return {
    send(reply, view) {
      return reply
        .type("text/html; charset=utf-8")
        .header("content-security-policy", PAGE_CSP)
        .header("vary", "Accept")
        .send(pages[view]);
    },
  };
}

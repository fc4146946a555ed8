import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.ts";
import { allowOnly } from "../../http/errors.ts";
import { wantsHtml } from "../../http/headers.ts";

const WEB = new URL("../../../web/", import.meta.url);

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

/**
 * The proof-of-work worker's own policy (a dedicated worker is governed by its script's response,
 * not by the page that starts it): nothing to load, and compiling its WebAssembly allowed.
 */
export const WORKER_CSP = "default-src 'none'; script-src 'wasm-unsafe-eval'; frame-ancestors 'none'";

/**
 * The page files scripts/build.ts makes (dist/web/): the page script, its proof-of-work worker, and
 * the modules the paste page imports when a paste needs them (src/web/lazy.ts names the same).
 */
const BUILT_ASSETS = ["app.js", "pow-worker.js", "highlight.js", "markdown.js", "files.js"];

export interface Asset {
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
 * The clients built from src/ by scripts/build.ts (npm install runs it): the page script, its
 * proof-of-work worker and the CLI. A checkout whose build did not run still serves the API; these
 * files then answer 503 with the command to run.
 */
export const BUILT = new URL("../../../dist/", import.meta.url);
export const NOT_BUILT = "The clients are not built on this server: run npm run build";

/** A built file, or undefined when the build has not run. */
export async function readBuilt(name: string, type: string): Promise<Asset | undefined> {
  try {
    return asset(await readFile(new URL(name, BUILT)), type);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export interface WebPages {
  /** Sends the create page (`view` "create") or the paste page (`view` "paste"). */
  send(reply: FastifyReply, view: "create" | "paste"): FastifyReply;
  /**
   * Answers a browser's GET or HEAD of a path that is not there with the HTML not-found page, under
   * the pages' policy; undefined for anyone else (API clients keep the JSON error).
   */
  notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined;
}

/** What the web routes serve, read once: the pages and every file of /static, /favicon.ico and /robots.txt. */
export interface Web extends WebPages {
  readonly assets: ReadonlyMap<string, Asset>;
  readonly favicon: Asset;
  readonly robots: Asset;
}

/** Reads the pages and their assets (before the app is built: the not-found handler needs the page). */
export async function loadWeb(config: Config): Promise<Web> {
  const read = (name: string) => readFile(new URL(name, WEB));
  const text = async (name: string) => (await read(name)).toString("utf8");
  const assets = new Map<string, Asset>([
    ["app.css", asset(await read("app.css"), "text/css; charset=utf-8")],
    ["code.css", asset(await read("code.css"), "text/css; charset=utf-8")],
  ]);
  for (const name of BUILT_ASSETS) {
    const built = await readBuilt(`web/${name}`, "text/javascript; charset=utf-8");
    if (built) assets.set(name, built);
  }
  // The prefix is a validated path (/[A-Za-z0-9/_-]…): it needs no escaping beyond this.
  const prefix = config.urlPrefix.replace(/[<>"&']/g, "");
  const fill = (template: string, view = "") =>
    Buffer.from(template.replaceAll("{{prefix}}", prefix).replaceAll("{{view}}", view));
  const template = await text("page.html");
  const pages = { create: fill(template, "create"), paste: fill(template, "paste") };
  const notFoundPage = fill(await text("not-found.html"));
  const html = (reply: FastifyReply) =>
    reply
      .type("text/html; charset=utf-8")
      .header("content-security-policy", PAGE_CSP)
      .header("vary", "Accept");

  return {
    assets,
    favicon: asset(await read("favicon.ico"), "image/vnd.microsoft.icon"),
    robots: asset(fill(await text("robots.txt")), "text/plain; charset=utf-8"),
    send: (reply, view) => html(reply).send(pages[view]),
    notFound(request, reply) {
      if ((request.method !== "GET" && request.method !== "HEAD") || !wantsHtml(request)) return undefined;
      return html(reply.code(404)).send(notFoundPage);
    },
  };
}

/** Sends a file with its ETag (Cache-Control: no-cache: the browser asks again, and gets a 304). */
function sendAsset(request: FastifyRequest, reply: FastifyReply, found: Asset): FastifyReply {
  reply.type(found.type).header("etag", found.etag).header("cache-control", "no-cache");
  if (request.headers["if-none-match"] === found.etag) return reply.code(304).send();
  return reply.send(found.body);
}

/**
 * GET /static/{name}: the pages' assets, from a fixed list (nothing else on disk is reachable);
 * GET /favicon.ico and /robots.txt, which browsers and crawlers ask for on their own. These are
 * static routes, so they win over the paste route /{id}; they are not API operations (hidden from
 * /openapi.json) and no rate limit counts them.
 */
export function webRoutes(app: FastifyInstance, web: Web): void {
  app.get("/static/:name", async (request: FastifyRequest<{ Params: { name: string } }>, reply) => {
    const found = web.assets.get(request.params.name);
    if (found && request.params.name === "pow-worker.js") reply.header("content-security-policy", WORKER_CSP);
    if (found) return sendAsset(request, reply, found);
    if (BUILT_ASSETS.includes(request.params.name))
      return reply.code(503).send({ error: NOT_BUILT, code: "clients_not_built" });
    return reply.callNotFound();
  });
  allowOnly(app, "/static/:name", ["GET", "HEAD"]);
  app.get("/favicon.ico", { schema: { hide: true } }, async (request, reply) =>
    sendAsset(request, reply, web.favicon),
  );
  allowOnly(app, "/favicon.ico", ["GET", "HEAD"]);
  app.get("/robots.txt", { schema: { hide: true } }, async (request, reply) =>
    sendAsset(request, reply, web.robots),
  );
  allowOnly(app, "/robots.txt", ["GET", "HEAD"]);
}

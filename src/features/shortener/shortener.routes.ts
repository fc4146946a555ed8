import { isIP } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Check } from "typebox/value";
import { allowOnly } from "../../http/errors.ts";
import { isFlagOn, parseExpiry, requestHosts } from "../../http/headers.ts";
import { pageOf } from "../../http/paging.ts";
import { HEADERS } from "../../protocol/vocabulary.ts";
import type { ShortUrlRecord } from "../../store/store.ts";
import type { ProofOfWork } from "../abuse/pow.usecases.ts";
import { shortErrors } from "./shortener.errors.ts";
import type { ListenSocket, SelfLocation } from "./shortener.models.ts";
import {
  createSchema,
  deleteSchema,
  followHeadSchema,
  followSchema,
  infoSchema,
  listSchema,
  ShortenBody,
} from "./shortener.schemas.ts";
import {
  createShortUrl,
  deleteShortUrl,
  followShortUrl,
  listShortUrls,
  type ShortenerDeps,
  shortUrlInfo,
} from "./shortener.usecases.ts";

/**
 * The target of POST /s: the body checked against ShortenBody exactly, as Fastify's validator, which
 * coerces (42 into "42", ["x"] into "x"), would not. No url at all is "URL required".
 */
function targetOf(body: unknown): string {
  if (Check(ShortenBody, body)) return body.url;
  const url = typeof body === "object" && body !== null ? (body as { url?: unknown }).url : undefined;
  if (url === undefined || url === null) throw shortErrors.urlRequired();
  throw shortErrors.invalid("url must be a string");
}

/** The URL shortener: POST /s, GET /s, GET /s/{id} (302), GET /s/{id}/info, DELETE /s/{id}. */
export async function shortenerRoutes(
  app: FastifyInstance,
  deps: ShortenerDeps & { pow: ProofOfWork },
): Promise<void> {
  const prefix = deps.config.urlPrefix;
  const write = { config: { rateLimit: "write" as const }, bodyLimit: 4 * deps.config.shortUrlMax + 1024 };
  const read = { config: { rateLimit: "read" as const } };

  // The machine's own names: its host name (Debian maps it to 127.0.1.1), and the listen host when
  // it is given by name rather than as an address.
  const localNames = [hostname(), ...(isIP(deps.config.host) === 0 ? [deps.config.host] : [])];

  /** This server as the loop rule (pointsAtOwnShortUrl) needs to know it, for one creating request. */
  function selfOf(request: FastifyRequest): SelfLocation {
    const hosts = requestHosts(request, deps.config.trustProxyHops);
    const listening: ListenSocket[] = app
      .addresses()
      .flatMap((a) => (typeof a === "object" ? [{ address: a.address, port: a.port }] : []));
    // The socket this request came in on is one of them, whatever address() reports (cluster workers).
    const { localAddress, localPort } = request.socket;
    if (localAddress && localPort) listening.push({ address: localAddress, port: localPort });
    // Read per creation, not once: interfaces come and go while the server runs (about 50 µs).
    const localAddresses = Object.values(networkInterfaces()).flatMap((list) =>
      (list ?? []).map((info) => info.address),
    );
    return { hosts, listening, localAddresses, localNames, prefix };
  }

  /** A short URL as POST /s answers it; the other routes add its clicks. */
  function view(u: ShortUrlRecord) {
    return {
      id: u.id,
      url: `${prefix}/s/${u.id}`,
      target_url: u.target,
      created_at: u.createdAt,
      ...(u.expiresAt !== null && { expires_at: u.expiresAt }),
      ...(u.owner !== null && { owner: u.owner }),
    };
  }
  const withClicks = (u: ShortUrlRecord) => ({ ...view(u), clicks: u.clicks });

  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post("/s", { ...write, schema: createSchema }, async (request, reply) => {
    await deps.pow.verify(request.headers[HEADERS.powToken], request.headers[HEADERS.powSolution]);
    const created = await createShortUrl(deps, {
      url: targetOf(request.body),
      caller: request.caller,
      expirySeconds: parseExpiry(request.headers[HEADERS.expiry], deps.config.maxExpiry),
      self: selfOf(request),
    });
    await deps.pow.recordCreation();
    const answer = view(created);
    return reply.code(201).header("location", answer.url).send(answer);
  });

  r.get("/s", { schema: listSchema }, async (request) => {
    const { limit, offset } = pageOf(request.query);
    const all = isFlagOn(request.query.all);
    const { items, total } = await listShortUrls(deps, request.caller, { all, limit, offset });
    return { short_urls: items.map(withClicks), count: items.length, total, limit, offset };
  });
  allowOnly(app, "/s", ["GET", "HEAD", "POST"]);

  // HEAD (link previewers) answers like GET but is not counted as a click.
  const redirect = async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const target = await followShortUrl(deps, request.params.id, request.method === "GET");
    return reply.code(302).header("location", target).header("cache-control", "no-store").send();
  };
  r.head("/s/:id", { ...read, schema: followHeadSchema }, redirect);
  r.get("/s/:id", { ...read, schema: followSchema }, redirect);
  r.delete("/s/:id", { config: { rateLimit: "write" as const }, schema: deleteSchema }, async (request) => {
    await deleteShortUrl(deps, request.params.id, request.caller);
    return { message: "Short URL deleted" as const };
  });
  allowOnly(app, "/s/:id", ["GET", "HEAD", "DELETE"]);

  r.get("/s/:id/info", { ...read, schema: infoSchema }, async (request) =>
    withClicks(await shortUrlInfo(deps, request.params.id)),
  );
  allowOnly(app, "/s/:id/info", ["GET", "HEAD"]);
}

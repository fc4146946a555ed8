import { isIP } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { allowOnly } from "../../http/errors.ts";
import { singleHeader } from "../../http/headers.ts";
import { pageOf } from "../../http/paging.ts";
import { HEADERS } from "../../protocol/vocabulary.ts";
import type { ShortUrlRecord } from "../../store/store.ts";
import type { ProofOfWork } from "../abuse/pow.usecases.ts";
import { isFlagOn, parseExpiry } from "../pastes/pastes.models.ts";
import type { ListenSocket, SelfLocation } from "./shortener.models.ts";
import {
  createShortUrl,
  deleteShortUrl,
  followShortUrl,
  listShortUrls,
  type ShortenerDeps,
  shortUrlInfo,
} from "./shortener.usecases.ts";

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

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
    const hosts = [request.headers.host ?? ""];
    // Behind a trusted proxy, the name clients used may be in X-Forwarded-Host.
    const forwarded = singleHeader(request, "x-forwarded-host");
    if (deps.config.trustProxyHops > 0 && forwarded) hosts.push(...forwarded.split(",").map((h) => h.trim()));
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
    return { hosts: hosts.filter((h) => h !== ""), listening, localAddresses, localNames, prefix };
  }

  function view(u: ShortUrlRecord, withClicks: boolean) {
    return {
      id: u.id,
      url: `${prefix}/s/${u.id}`,
      target_url: u.target,
      created_at: u.createdAt,
      ...(withClicks && { clicks: u.clicks }),
      ...(u.expiresAt !== null && { expires_at: u.expiresAt }),
      ...(u.owner !== null && { owner: u.owner }),
    };
  }

  app.post("/s", write, async (request, reply) => {
    await deps.pow.verify(
      singleHeader(request, HEADERS.powToken),
      singleHeader(request, HEADERS.powSolution),
    );
    const body = request.body;
    const url = typeof body === "object" && body !== null ? (body as { url?: unknown }).url : undefined;
    const created = await createShortUrl(deps, {
      url,
      caller: request.caller,
      expirySeconds: parseExpiry(singleHeader(request, HEADERS.expiry), deps.config.maxExpiry),
      self: selfOf(request),
    });
    await deps.pow.recordCreation();
    const answer = view(created, false);
    return reply.code(201).header("location", answer.url).send(answer);
  });

  app.get("/s", async (request) => {
    const query = (request.query ?? {}) as Record<string, string | undefined>;
    const { limit, offset } = pageOf(query);
    const all = isFlagOn(query.all);
    const { items, total } = await listShortUrls(deps, request.caller, { all, limit, offset });
    return { short_urls: items.map((u) => view(u, true)), count: items.length, total, limit, offset };
  });
  allowOnly(app, "/s", ["GET", "HEAD", "POST"]);

  // HEAD (link previewers) answers like GET but is not counted as a click.
  const redirect = async (request: IdRequest, reply: import("fastify").FastifyReply) => {
    const target = await followShortUrl(deps, request.params.id, request.method === "GET");
    return reply.code(302).header("location", target).header("cache-control", "no-store").send();
  };
  app.head("/s/:id", read, redirect);
  app.get("/s/:id", read, redirect);
  app.delete("/s/:id", { config: { rateLimit: "write" as const } }, async (request: IdRequest) => {
    await deleteShortUrl(deps, request.params.id, request.caller);
    return { message: "Short URL deleted" };
  });
  allowOnly(app, "/s/:id", ["GET", "HEAD", "DELETE"]);

  app.get("/s/:id/info", read, async (request: IdRequest) =>
    view(await shortUrlInfo(deps, request.params.id), true),
  );
  allowOnly(app, "/s/:id/info", ["GET", "HEAD"]);
}

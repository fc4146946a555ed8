import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { allowOnly } from "../../http/errors.ts";
import { isFlagOn, requestHosts } from "../../http/headers.ts";
import { pageOf } from "../../http/paging.ts";
import { HEADERS } from "../../protocol/vocabulary.ts";
import type { ReportRecord, ShortUrlRecord } from "../../store/store.ts";
import type { ProofOfWork } from "../abuse/pow.usecases.ts";
import {
  addBlockSchema,
  adminPasteSchema,
  adminShortSchema,
  createReportSchema,
  deleteReportSchema,
  dismissReportSchema,
  listBlocksSchema,
  listReportsSchema,
  quarantinePasteSchema,
  quarantineShortSchema,
  releasePasteSchema,
  releaseShortSchema,
  removeBlockSchema,
  setWritesSchema,
  writesSchema,
} from "./moderation.schemas.ts";
import type { Moderation } from "./moderation.usecases.ts";

/** Reports, quarantine, the blocklist and the write switch (docs/moderation.md). */
export async function moderationRoutes(
  app: FastifyInstance,
  deps: {
    moderation: Moderation;
    pow: Pick<ProofOfWork, "verify">;
    config: { urlPrefix: string; trustProxyHops: number };
  },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  // JSON only: a text/plain body is 415, not a string the use case would call malformed.
  app.removeContentTypeParser("text/plain");
  const { moderation } = deps;
  const prefix = deps.config.urlPrefix;
  const pageView = <T, V>(
    name: string,
    page: { items: T[]; total: number },
    map: (item: T) => V,
    { limit, offset }: { limit: number; offset: number },
  ) => {
    return { [name]: page.items.map(map), count: page.items.length, total: page.total, limit, offset };
  };
  const reportView = (x: ReportRecord) => ({
    id: x.id,
    created_at: x.createdAt,
    kind: x.kind,
    target: x.target,
    url: x.kind === "paste" ? `${prefix}/${x.target}` : `${prefix}/s/${x.target}`,
    reason: x.reason,
    details: x.details,
    ...(x.key !== null && { key: x.key }),
    state: x.state,
    resolved_at: x.resolvedAt,
    resolved_by: x.resolvedBy,
  });

  r.post(
    "/report",
    { config: { rateLimit: "write" as const }, bodyLimit: 16 * 1024, schema: createReportSchema },
    async (request, reply) => {
      const h = request.headers;
      await deps.pow.verify(h[HEADERS.powToken], h[HEADERS.powSolution]);
      const { id } = await moderation.report(request.body, requestHosts(request, deps.config.trustProxyHops));
      return reply.code(201).send({ id, message: "Report received" as const });
    },
  );
  allowOnly(app, "/report", ["POST"]);

  r.get("/admin/reports", { schema: listReportsSchema }, async (request) => {
    const paging = pageOf(request.query);
    const page = await moderation.listReports(request.caller, request.query.state ?? null, paging);
    return pageView("reports", page, reportView, paging);
  });
  allowOnly(app, "/admin/reports", ["GET", "HEAD"]);
  r.post("/admin/reports/:id/dismiss", { schema: dismissReportSchema }, async (request) => {
    await moderation.dismiss(request.caller, request.params.id);
    return { id: request.params.id, state: "dismissed" as const, message: "Report dismissed" as const };
  });
  allowOnly(app, "/admin/reports/:id/dismiss", ["POST"]);
  r.delete("/admin/reports/:id", { schema: deleteReportSchema }, async (request) => {
    await moderation.deleteReport(request.caller, request.params.id);
    return { message: "Report deleted" };
  });
  allowOnly(app, "/admin/reports/:id", ["DELETE"]);

  r.post("/admin/pastes/:id/quarantine", { schema: quarantinePasteSchema }, async (request) => {
    const quarantined = await moderation.quarantinePaste(request.caller, request.params.id, {
      sameSource: isFlagOn(request.query.same_source),
      report: request.query.report,
    });
    return { message: "Paste quarantined", quarantined };
  });
  allowOnly(app, "/admin/pastes/:id/quarantine", ["POST"]);
  r.post("/admin/pastes/:id/release", { schema: releasePasteSchema }, async (request) => {
    await moderation.releasePaste(request.caller, request.params.id);
    return { message: "Paste released" as const, id: request.params.id };
  });
  allowOnly(app, "/admin/pastes/:id/release", ["POST"]);
  r.get("/admin/pastes/:id", { schema: adminPasteSchema }, async (request) => {
    const { paste: p, reports } = await moderation.pasteInfo(request.caller, request.params.id);
    return {
      id: p.id,
      owner: p.owner,
      mime_type: p.mimeType,
      size: p.size,
      created_at: p.createdAt,
      expires_at: p.expiresAt,
      burn_after_read: p.burnAfterRead,
      password_protected: p.passwordHash !== null,
      sha256: p.sha256,
      quarantined: p.quarantinedAt !== null,
      quarantined_at: p.quarantinedAt,
      source_recorded: p.sourceRecorded,
      reports,
    };
  });
  allowOnly(app, "/admin/pastes/:id", ["GET", "HEAD"]);

  r.post("/admin/s/:id/quarantine", { schema: quarantineShortSchema }, async (request) => {
    await moderation.quarantineShort(request.caller, request.params.id, request.query.report);
    return { message: "Short URL quarantined", quarantined: [request.params.id] };
  });
  allowOnly(app, "/admin/s/:id/quarantine", ["POST"]);
  r.post("/admin/s/:id/release", { schema: releaseShortSchema }, async (request) => {
    await moderation.releaseShort(request.caller, request.params.id);
    return { message: "Short URL released" as const, id: request.params.id };
  });
  allowOnly(app, "/admin/s/:id/release", ["POST"]);
  r.get("/admin/s/:id", { schema: adminShortSchema }, async (request) => {
    const { short: s, reports } = await moderation.shortInfo(request.caller, request.params.id);
    return { ...shortView(s), reports };
  });
  allowOnly(app, "/admin/s/:id", ["GET", "HEAD"]);

  r.post("/admin/blocklist", { bodyLimit: 4096, schema: addBlockSchema }, async (request, reply) => {
    const blocked = await moderation.block(request.caller, request.body);
    return reply.code(201).send({ ...blocked, message: "Content blocked" as const });
  });
  r.get("/admin/blocklist", { schema: listBlocksSchema }, async (request) => {
    const paging = pageOf(request.query);
    const page = await moderation.blocklist(request.caller, paging);
    const view = (b: { sha256: string; createdAt: number; createdBy: string | null }) => ({
      sha256: b.sha256,
      created_at: b.createdAt,
      created_by: b.createdBy,
    });
    return pageView("blocklist", page, view, paging);
  });
  allowOnly(app, "/admin/blocklist", ["GET", "HEAD", "POST"]);
  r.delete("/admin/blocklist/:hash", { schema: removeBlockSchema }, async (request) => {
    await moderation.unblock(request.caller, request.params.hash);
    return { message: "Block removed" };
  });
  allowOnly(app, "/admin/blocklist/:hash", ["DELETE"]);

  r.get("/admin/writes", { schema: writesSchema }, async (request) => ({
    mode: await moderation.writesMode(request.caller),
  }));
  r.put("/admin/writes", { bodyLimit: 1024, schema: setWritesSchema }, async (request) => {
    await moderation.setWritesMode(request.caller, request.body.mode);
    return { mode: request.body.mode, message: "Write mode changed" as const };
  });
  allowOnly(app, "/admin/writes", ["GET", "HEAD", "PUT"]);
}

function shortView(s: ShortUrlRecord) {
  return {
    id: s.id,
    target: s.target,
    owner: s.owner,
    created_at: s.createdAt,
    expires_at: s.expiresAt,
    clicks: s.clicks,
    quarantined: s.quarantinedAt !== null,
    quarantined_at: s.quarantinedAt,
  };
}

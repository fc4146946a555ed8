import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { allowOnly } from "../../http/errors.ts";
import { ROUTES, type WebhookEvent } from "../../protocol/vocabulary.ts";
import type { WebhookRecord } from "../../store/store.ts";
import { createWebhookSchema, deleteWebhookSchema, listWebhooksSchema } from "./webhooks.schemas.ts";
import type { Webhooks } from "./webhooks.usecases.ts";

/** POST /webhooks, GET /webhooks, DELETE /webhooks/{id} (docs/webhooks.md). */
export async function webhookRoutes(app: FastifyInstance, deps: { webhooks: Webhooks }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  // JSON only: a text/plain body is 415, not a string the use case would call malformed.
  app.removeContentTypeParser("text/plain");
  const { webhooks } = deps;
  const view = (w: WebhookRecord) => ({
    id: w.id,
    url: w.url,
    events: w.events as WebhookEvent[],
    created_at: w.createdAt,
    last_attempt_at: w.lastAttemptAt,
    last_result: w.lastResult,
    failed_deliveries: w.failedDeliveries,
  });

  r.post(
    ROUTES.webhooks,
    { config: { rateLimit: "write" as const }, bodyLimit: 8 * 1024, schema: createWebhookSchema },
    async (request, reply) => {
      const w = await webhooks.register(request.caller, request.body);
      return reply.code(201).send({
        id: w.id,
        url: w.url,
        events: w.events,
        created_at: w.createdAt,
        secret: w.secret,
        message: "Webhook created" as const,
      });
    },
  );
  r.get(ROUTES.webhooks, { schema: listWebhooksSchema }, async (request) => {
    const list = await webhooks.list(request.caller);
    return { webhooks: list.map(view), count: list.length };
  });
  allowOnly(app, ROUTES.webhooks, ["GET", "HEAD", "POST"]);
  r.delete(ROUTES.webhook(":id"), { schema: deleteWebhookSchema }, async (request) => {
    await webhooks.remove(request.caller, request.params.id);
    return { message: "Webhook deleted" as const };
  });
  allowOnly(app, ROUTES.webhook(":id"), ["DELETE"]);
}

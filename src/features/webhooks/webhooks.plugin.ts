import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/config.ts";
import { webhookProblems } from "../../config/config.webhooks.settings.ts";
import type { Clock } from "../../shared/clock.ts";
import type { Events } from "../../shared/events.ts";
import type { Log } from "../../shared/logger.ts";
import type { Store } from "../../store/store.ts";
import { WebhookEvents } from "./webhooks.events.ts";
import { webhookRoutes } from "./webhooks.routes.ts";
import { Webhooks } from "./webhooks.usecases.ts";
import { DeliveryWorker } from "./webhooks.worker.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** Signed webhooks: the events' entry point, and a pass of this process's delivery worker now. */
    webhooks: WebhooksFeature;
  }
}

export interface WebhooksFeature {
  readonly events: Events;
  /** Sends what is due now and resolves once done (tests move the clock, then call this). */
  deliverDue(): Promise<void>;
}

interface Parts {
  readonly events: WebhookEvents;
  readonly worker: DeliveryWorker;
  readonly webhooks: Webhooks;
}

/**
 * The parts of signed webhooks (docs/webhooks.md), made before the app so that every feature gets
 * the events with its other dependencies. Refuses SEALBIN_WEBHOOK_URL without its secret.
 */
export function webhooksOf(deps: {
  readonly store: Pick<Store, "webhooks">;
  readonly clock: Clock;
  readonly config: Config;
  readonly log: Log;
}): Parts {
  const problems = webhookProblems(deps.config);
  if (problems.length > 0) throw new Error(problems.join("; "));
  const worker = new DeliveryWorker(deps);
  const events = new WebhookEvents({ ...deps, queued: () => worker.wake() });
  return { events, worker, webhooks: new Webhooks(deps) };
}

/**
 * Signed webhooks' routes, and this process's delivery worker: it starts polling the queue when
 * the app is ready and stops (waiting for the attempts under way) when the app closes, before the
 * store does.
 */
export async function registerWebhooks(app: FastifyInstance, parts: Parts): Promise<void> {
  await app.register(async (scope) => webhookRoutes(scope, { webhooks: parts.webhooks }));
  app.decorate("webhooks", { events: parts.events, deliverDue: () => parts.worker.deliverDue() });
  app.addHook("onReady", async () => parts.worker.start());
  app.addHook("onClose", async () => parts.worker.close());
}

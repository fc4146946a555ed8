import type { Config } from "../../config/config.ts";
import type { InstanceEvent, WebhookEvent } from "../../protocol/vocabulary.ts";
import type { Clock } from "../../shared/clock.ts";
import type { Events, InstanceEventData, PasteFacts } from "../../shared/events.ts";
import { randomHexId } from "../../shared/ids.ts";
import type { Log } from "../../shared/logger.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { Store } from "../../store/store.ts";
import { deliveryBody, instancePayload, pastePayload } from "./webhooks.models.ts";

export interface WebhookEventsDeps {
  readonly store: Pick<Store, "webhooks">;
  readonly clock: Clock;
  readonly config: Pick<Config, "webhookUrl">;
  readonly log: Log;
  /** Tells this process's delivery worker that something was queued. */
  readonly queued: () => void;
}

/** What a failure is logged as: its message and code, nothing a statement's parameters could carry. */
const errorFields = (err: unknown) => ({
  err: { message: (err as Error)?.message, code: (err as { code?: unknown })?.code },
});

/**
 * The events the features emit, queued in the store for the delivery worker of any process. An
 * event of an anonymous paste, or an instance event without SEALBIN_WEBHOOK_URL, costs nothing; an
 * owned paste's event is one statement, whatever its owner's webhooks. A failure to queue is logged
 * (without the payload) and swallowed: the request that emitted goes on.
 */
export class WebhookEvents implements Events {
  private readonly deps: WebhookEventsDeps;

  constructor(deps: WebhookEventsDeps) {
    this.deps = deps;
  }

  async pasteEvent(event: WebhookEvent, paste: PasteFacts): Promise<void> {
    const owner = paste.owner;
    if (owner === null) return;
    try {
      const now = unixSeconds(this.deps.clock.now());
      const eventId = randomHexId(16);
      const body = deliveryBody(eventId, event, now, { paste: pastePayload(paste) });
      const queued = await this.deps.store.webhooks.enqueueOwnerEvent({ eventId, owner, event, body, now });
      if (queued > 0) this.deps.queued();
    } catch (err) {
      this.deps.log.error({ ...errorFields(err), event }, "queueing a webhook event failed");
    }
  }

  async instanceEvent<E extends InstanceEvent>(event: E, data: InstanceEventData[E]): Promise<void> {
    if (this.deps.config.webhookUrl === "") return;
    try {
      const now = unixSeconds(this.deps.clock.now());
      const id = randomHexId(16);
      const body = deliveryBody(id, event, now, instancePayload(event, data));
      await this.deps.store.webhooks.enqueueInstanceEvent({ id, event, body, now });
      this.deps.queued();
    } catch (err) {
      this.deps.log.error({ ...errorFields(err), event }, "queueing a webhook event failed");
    }
  }
}

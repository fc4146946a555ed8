/** The webhooks part of the Store port (docs/webhooks.md): registrations and the delivery queue. */

/** An owner's webhook as listed: never its secret. */
export interface WebhookRecord {
  readonly id: string;
  readonly owner: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly createdAt: number;
  /** When a delivery to it last ended (delivered, failed or given up), or null. */
  readonly lastAttemptAt: number | null;
  /** How that attempt ended ("delivered (HTTP 204)", "HTTP 500", …), or null. */
  readonly lastResult: string | null;
  /** Deliveries given up (every attempt failed, or the address was refused). */
  readonly failedDeliveries: number;
}

export interface NewWebhook {
  readonly id: string;
  readonly owner: string;
  readonly url: string;
  readonly events: readonly string[];
  /** The signing key, kept as it is: the server signs with it (HMAC), so a hash would not do. */
  readonly secret: string;
  readonly createdAt: number;
}

/** A delivery claimed from the queue: this process may send it until `claimedUntil`. */
export interface ClaimedDelivery {
  readonly id: string;
  /** The owner's webhook, or null for an instance event (sent to SEALBIN_WEBHOOK_URL). */
  readonly webhookId: string | null;
  readonly event: string;
  readonly body: string;
  readonly createdAt: number;
  /** Attempts so far, this one included. */
  readonly attempts: number;
}

/** How a delivery ended, recorded on its webhook (owners see it in GET /webhooks). */
export interface DeliveryOutcome {
  readonly id: string;
  readonly webhookId: string | null;
  readonly at: number;
  readonly result: string;
}

export interface WebhookStore {
  /**
   * Stores a webhook unless its owner has `max` already ("limit") or one for the same URL
   * ("exists"); the bound is checked in the statement that inserts.
   */
  insertWebhook(webhook: NewWebhook, max: number): Promise<"inserted" | "limit" | "exists">;
  /** The owner's webhooks, oldest first. */
  listWebhooks(owner: string): Promise<readonly WebhookRecord[]>;
  /** Deletes the owner's webhook and its pending deliveries; false when the owner has none of that id. */
  deleteWebhook(owner: string, id: string): Promise<boolean>;
  /** The URL and signing key of a webhook, for its deliveries. */
  webhookTarget(id: string): Promise<{ url: string; secret: string } | undefined>;
  /**
   * Queues `body` for every webhook of `owner` subscribed to `event`, in one statement; each
   * delivery's id is `<eventId>-<webhook id>`. Returns how many were queued.
   */
  enqueueOwnerEvent(e: {
    eventId: string;
    owner: string;
    event: string;
    body: string;
    now: number;
  }): Promise<number>;
  /** Queues an instance event (no webhook: it goes to SEALBIN_WEBHOOK_URL). */
  enqueueInstanceEvent(e: { id: string; event: string; body: string; now: number }): Promise<void>;
  /** Whether a delivery is due at `now` and not claimed by a live lease (a cheap read before claiming). */
  hasDueDelivery(now: number): Promise<boolean>;
  /**
   * Claims up to `limit` due deliveries until `leaseUntil` and counts an attempt on each, in one
   * statement: a delivery is claimed by one process at a time, and again only once its lease ends.
   */
  claimDeliveries(now: number, leaseUntil: number, limit: number): Promise<readonly ClaimedDelivery[]>;
  /** A delivery that ended (delivered, or given up): removed from the queue, its webhook told. */
  finishDelivery(outcome: DeliveryOutcome & { readonly givenUp: boolean }): Promise<void>;
  /** A failed attempt to retry at `nextAttemptAt`: its lease released, its webhook told. */
  retryDelivery(outcome: DeliveryOutcome & { readonly nextAttemptAt: number }): Promise<void>;
  /** Deliveries in the queue (all, or those of one webhook). */
  countDeliveries(webhookId?: string): Promise<number>;
}

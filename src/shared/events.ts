/**
 * What happened, as the features tell it: the webhooks feature (src/features/webhooks) queues each
 * event for whoever subscribed, and a feature built without webhooks gets `NO_EVENTS`. Emitting
 * never fails the request that emits: the implementation logs its own errors (never a payload) and
 * resolves.
 */
import type { InstanceEvent, WebhookEvent, WriteMode } from "../protocol/vocabulary.ts";

/**
 * A paste's metadata, as much of it as the emitter knows: never its content, key or password.
 * A PasteMeta fits as it is; only these fields are ever sent.
 */
export interface PasteFacts {
  readonly id: string;
  /** The owner (events of an anonymous paste go to nobody's webhooks). */
  readonly owner: string | null;
  readonly size?: number;
  readonly mimeType?: string;
  /** The deadline in force (Unix seconds). */
  readonly expiresAt?: number;
  /** Views left after this event (null: unlimited). */
  readonly viewsLeft?: number | null;
}

/** A report's metadata for the operator: never its details or the key it may hold. */
export interface ReportFacts {
  readonly id: string;
  readonly kind: "paste" | "short";
  readonly target: string;
  readonly reason: string;
}

/** The data of each instance event. */
export interface InstanceEventData {
  "paste.created": PasteFacts;
  "report.created": ReportFacts;
  "writes.changed": { readonly mode: WriteMode };
}

export interface Events {
  /** An event of an owner's paste, for the owner's webhooks subscribed to it (none when anonymous). */
  pasteEvent(event: WebhookEvent, paste: PasteFacts): Promise<void>;
  /** An instance event, for the operator's SEALBIN_WEBHOOK_URL (none when unset). */
  instanceEvent<E extends InstanceEvent>(event: E, data: InstanceEventData[E]): Promise<void>;
}

/** Events that go nowhere. */
export const NO_EVENTS: Events = Object.freeze({
  pasteEvent: async () => {},
  instanceEvent: async () => {},
});

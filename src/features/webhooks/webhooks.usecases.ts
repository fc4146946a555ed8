import type { Config } from "../../config/config.ts";
import type { Clock } from "../../shared/clock.ts";
import { randomHexId } from "../../shared/ids.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { Store, WebhookRecord } from "../../store/store.ts";
import type { Caller } from "../identity/identity.models.ts";
import { webhookErrors } from "./webhooks.errors.ts";
import { eventsOf, parseWebhookUrl, WEBHOOKS_PER_OWNER } from "./webhooks.models.ts";
import { newWebhookSecret } from "./webhooks.signing.ts";

const WEBHOOK_ID = /^[0-9a-f]{16}$/;

export interface WebhooksDeps {
  readonly store: Pick<Store, "webhooks">;
  readonly clock: Clock;
  readonly config: Pick<Config, "webhookAllowPrivate">;
}

function requireOwner(caller: Caller): string {
  if (caller.fingerprint === null) throw webhookErrors.authenticationRequired();
  return caller.fingerprint;
}

/** An owner's webhooks (docs/webhooks.md): registered, listed and deleted by their owner only. */
export class Webhooks {
  private readonly deps: WebhooksDeps;

  constructor(deps: WebhooksDeps) {
    this.deps = deps;
  }

  /** POST /webhooks: the secret is in this answer and nowhere else, ever. */
  async register(caller: Caller, body: unknown) {
    const owner = requireOwner(caller);
    const b = body as Record<string, unknown> | null;
    if (typeof b !== "object" || b === null || Array.isArray(b)) throw webhookErrors.invalidWebhook();
    if (typeof b.url !== "string") throw webhookErrors.invalidUrl();
    const parsed = parseWebhookUrl(b.url, this.deps.config.webhookAllowPrivate);
    if ("problem" in parsed) {
      throw parsed.problem === "address" ? webhookErrors.addressRefused() : webhookErrors.invalidUrl();
    }
    const events = eventsOf(b.events);
    if (events === null) throw webhookErrors.invalidEvents();
    const webhook = {
      id: randomHexId(16),
      owner,
      url: parsed.url,
      events,
      secret: newWebhookSecret(),
      createdAt: unixSeconds(this.deps.clock.now()),
    };
    const inserted = await this.deps.store.webhooks.insertWebhook(webhook, WEBHOOKS_PER_OWNER);
    if (inserted === "limit") throw webhookErrors.limitReached();
    if (inserted === "exists") throw webhookErrors.exists();
    return webhook;
  }

  async list(caller: Caller): Promise<readonly WebhookRecord[]> {
    return this.deps.store.webhooks.listWebhooks(requireOwner(caller));
  }

  /** DELETE /webhooks/{id}: the owner's own only (another's is not found); its queued deliveries go too. */
  async remove(caller: Caller, id: string): Promise<void> {
    const owner = requireOwner(caller);
    if (!WEBHOOK_ID.test(id) || !(await this.deps.store.webhooks.deleteWebhook(owner, id))) {
      throw webhookErrors.notFound();
    }
  }
}

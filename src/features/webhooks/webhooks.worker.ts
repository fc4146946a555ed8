import type { Config } from "../../config/config.ts";
import { HEADERS } from "../../protocol/vocabulary.ts";
import type { Clock } from "../../shared/clock.ts";
import type { Log } from "../../shared/logger.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { ClaimedDelivery, Store } from "../../store/store.ts";
import { ATTEMPT_TIMEOUT_MS, DELIVERY_HEADER, EVENT_HEADER, nextAttemptAt } from "./webhooks.models.ts";
import { sendDelivery } from "./webhooks.sender.ts";
import { signatureHeader } from "./webhooks.signing.ts";

/** How often each process looks for due deliveries (it is also woken at once by its own events). */
export const POLL_MS = 1000;
/** Deliveries claimed at once; they are sent in parallel. */
const BATCH = 10;
/** How long a claim lasts: well beyond one attempt, so that only a process that died loses it. */
export const LEASE_SECONDS = 60;

export interface DeliveryWorkerDeps {
  readonly store: Pick<Store, "webhooks">;
  readonly clock: Clock;
  readonly config: Pick<Config, "webhookUrl" | "webhookSecret" | "webhookAllowPrivate">;
  readonly log: Log;
}

/**
 * Sends the queue's due deliveries (docs/webhooks.md): polls every POLL_MS, claims a batch under a
 * lease (one process at a time has a delivery), signs each attempt at its own time, and records how
 * it ended — delivered and removed, retried later with backoff, or given up. Passes run one after
 * another, never two at once in one process.
 */
export class DeliveryWorker {
  private readonly deps: DeliveryWorkerDeps;
  private chain: Promise<void> = Promise.resolve();
  private waiting = false;
  private closed = false;
  private failing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(deps: DeliveryWorkerDeps) {
    this.deps = deps;
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    this.wake();
  }

  /** Runs a pass soon: after the one under way, if any (one waiting pass covers every wake). */
  wake(): void {
    if (this.closed || this.waiting) return;
    this.waiting = true;
    this.chain = this.chain.then(async () => {
      this.waiting = false;
      try {
        await this.pass();
        if (this.failing) this.deps.log.info({}, "webhook deliveries resumed");
        this.failing = false;
      } catch (err) {
        // Once per outage, not at every poll while the database is out of reach.
        if (!this.failing) {
          this.deps.log.error({ err: { message: (err as Error)?.message } }, "webhook delivery pass failed");
        }
        this.failing = true;
      }
    });
  }

  /** Sends what is due now and resolves once done (tests move the clock, then call this). */
  deliverDue(): Promise<void> {
    this.wake();
    return this.chain;
  }

  /** Stops polling and waits for the attempts under way (each bounded by ATTEMPT_TIMEOUT_MS). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.chain;
  }

  private now(): number {
    return unixSeconds(this.deps.clock.now());
  }

  private async pass(): Promise<void> {
    const { webhooks } = this.deps.store;
    while (!this.closed) {
      const now = this.now();
      if (!(await webhooks.hasDueDelivery(now))) return;
      const claimed = await webhooks.claimDeliveries(now, now + LEASE_SECONDS, BATCH);
      await Promise.all(claimed.map((d) => this.attempt(d)));
      if (claimed.length < BATCH) return;
    }
  }

  /** The delivery's target: its webhook's, or the operator's for an instance event; none when gone. */
  private async targetOf(d: ClaimedDelivery): Promise<{ url: string; secret: string } | undefined> {
    if (d.webhookId !== null) return this.deps.store.webhooks.webhookTarget(d.webhookId);
    const { webhookUrl, webhookSecret } = this.deps.config;
    return webhookUrl === "" ? undefined : { url: webhookUrl, secret: webhookSecret };
  }

  private async attempt(d: ClaimedDelivery): Promise<void> {
    const { webhooks } = this.deps.store;
    try {
      const target = await this.targetOf(d);
      if (target === undefined) {
        // The webhook was deleted (its queue with it) after this was claimed, or the operator unset
        // SEALBIN_WEBHOOK_URL: nobody to deliver to.
        await webhooks.finishDelivery({
          id: d.id,
          webhookId: null,
          at: this.now(),
          result: "",
          givenUp: false,
        });
        return;
      }
      const t = this.now();
      const result = await sendDelivery(
        {
          url: target.url,
          body: d.body,
          headers: {
            [HEADERS.webhookSignature]: signatureHeader(target.secret, t, d.body),
            [DELIVERY_HEADER]: d.id,
            [EVENT_HEADER]: d.event,
          },
        },
        { allowPrivate: this.deps.config.webhookAllowPrivate, timeoutMs: ATTEMPT_TIMEOUT_MS },
      );
      const at = this.now();
      const outcome = { id: d.id, webhookId: d.webhookId, at };
      if (result.kind === "delivered") {
        await webhooks.finishDelivery({
          ...outcome,
          result: `delivered (HTTP ${result.status})`,
          givenUp: false,
        });
        return;
      }
      const next = result.kind === "refused" ? null : nextAttemptAt(d.attempts, at, d.createdAt);
      if (next === null) {
        await webhooks.finishDelivery({ ...outcome, result: `given up: ${result.reason}`, givenUp: true });
        this.deps.log.warn(
          {
            delivery: d.id,
            event: d.event,
            webhook: d.webhookId,
            attempts: d.attempts,
            reason: result.reason,
          },
          "webhook delivery given up",
        );
        return;
      }
      await webhooks.retryDelivery({ ...outcome, result: result.reason, nextAttemptAt: next });
    } catch (err) {
      // The claim's lease runs out and another pass (here or elsewhere) tries again.
      this.deps.log.error(
        { err: { message: (err as Error)?.message }, delivery: d.id },
        "webhook delivery failed",
      );
    }
  }
}

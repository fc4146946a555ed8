import type {
  ClaimedDelivery,
  DeliveryOutcome,
  NewWebhook,
  WebhookRecord,
  WebhookStore,
} from "../store.webhooks.types.ts";
import { type Driver, run } from "./driver.ts";
import type { Row } from "./rows.ts";

const COLUMNS = "id, owner, url, events, created_at, last_attempt_at, last_result, failed_deliveries";

const nullableNumber = (value: unknown): number | null => (value === null ? null : Number(value));

function toWebhook(row: Row): WebhookRecord {
  return {
    id: row.id as string,
    owner: row.owner as string,
    url: row.url as string,
    events: (row.events as string).split(" ").filter(Boolean),
    createdAt: Number(row.created_at),
    lastAttemptAt: nullableNumber(row.last_attempt_at),
    lastResult: (row.last_result as string | null) ?? null,
    failedDeliveries: Number(row.failed_deliveries),
  };
}

function toDelivery(row: Row): ClaimedDelivery {
  return {
    id: row.id as string,
    webhookId: (row.webhook_id as string | null) ?? null,
    event: row.event as string,
    body: row.body as string,
    createdAt: Number(row.created_at),
    attempts: Number(row.attempts),
  };
}

/** The statements of webhooks and their queue, prepared once. */
function prepare(db: Driver) {
  const due = "next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)";
  return {
    // The owner's bound checked in the statement that inserts (as API tokens do): concurrent
    // registrations on PostgreSQL may pass it by the few that commit together.
    insert: db.prepare(
      `INSERT INTO webhooks (id, owner, url, events, secret, created_at)
       SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT),
         CAST(? AS BIGINT)
       WHERE (SELECT COUNT(*) FROM webhooks WHERE owner = ?) < CAST(? AS BIGINT)`,
    ),
    list: db.prepare(`SELECT ${COLUMNS} FROM webhooks WHERE owner = ? ORDER BY created_at, id`),
    delete: db.prepare("DELETE FROM webhooks WHERE owner = ? AND id = ?"),
    deleteDeliveriesOf: db.prepare("DELETE FROM webhook_deliveries WHERE webhook_id = ?"),
    target: db.prepare("SELECT url, secret FROM webhooks WHERE id = ?"),
    // One statement per owned event, whatever the number of webhooks: a read of an owned paste
    // pays this one round trip (an anonymous paste none: the caller checks the owner first).
    enqueueOwner: db.prepare(
      `INSERT INTO webhook_deliveries (id, webhook_id, event, body, created_at, next_attempt_at)
       SELECT CAST(? AS TEXT) || '-' || id, id, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT),
         CAST(? AS BIGINT)
       FROM webhooks WHERE owner = ? AND events LIKE ?`,
    ),
    // A read first: an owner without a webhook for the event (most) costs no write transaction.
    subscribed: db.prepare("SELECT 1 AS one FROM webhooks WHERE owner = ? AND events LIKE ? LIMIT 1"),
    enqueueInstance: db.prepare(
      `INSERT INTO webhook_deliveries (id, webhook_id, event, body, created_at, next_attempt_at)
       VALUES (?, NULL, ?, ?, ?, ?)`,
    ),
    hasDue: db.prepare(`SELECT id FROM webhook_deliveries WHERE ${due} LIMIT 1`),
    // The outer condition repeats the inner one: under PostgreSQL's READ COMMITTED, a second
    // process that picked the same rows waits for the first one's lock, then re-checks the outer
    // condition on the row the first one committed, finds it claimed and leaves it.
    claim: db.prepare(
      `UPDATE webhook_deliveries SET claimed_until = ?, attempts = attempts + 1
       WHERE id IN (SELECT id FROM webhook_deliveries WHERE ${due} ORDER BY next_attempt_at LIMIT ?)
         AND ${due}
       RETURNING id, webhook_id, event, body, created_at, attempts`,
    ),
    remove: db.prepare("DELETE FROM webhook_deliveries WHERE id = ?"),
    reschedule: db.prepare(
      "UPDATE webhook_deliveries SET next_attempt_at = ?, claimed_until = NULL WHERE id = ?",
    ),
    record: db.prepare(
      `UPDATE webhooks SET last_attempt_at = ?, last_result = ?,
         failed_deliveries = failed_deliveries + ? WHERE id = ?`,
    ),
    count: db.prepare("SELECT COUNT(*) AS n FROM webhook_deliveries"),
    countOf: db.prepare("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE webhook_id = ?"),
  };
}

/** Webhook registrations and the delivery queue shared by every process. */
export class SqlWebhooks implements WebhookStore {
  private readonly db: Driver;
  private readonly q: ReturnType<typeof prepare>;

  constructor(db: Driver) {
    this.db = db;
    this.q = prepare(db);
  }

  async insertWebhook(w: NewWebhook, max: number): Promise<"inserted" | "limit" | "exists"> {
    const events = ` ${w.events.join(" ")} `;
    try {
      const params = [w.id, w.owner, w.url, events, w.secret, w.createdAt, w.owner, max];
      return (await this.q.insert.run(...params)) === 1 ? "inserted" : "limit";
    } catch (err) {
      // The (owner, url) index: "webhooks.owner," on SQLite, webhooks_owner_url on PostgreSQL.
      const constraint = this.db.dialect.uniqueViolation(err);
      if (constraint !== undefined && /owner/.test(constraint)) return "exists";
      throw err;
    }
  }

  async listWebhooks(owner: string): Promise<readonly WebhookRecord[]> {
    return (await this.q.list.all(owner)).map(toWebhook);
  }

  deleteWebhook(owner: string, id: string): Promise<boolean> {
    const q = this.q;
    return this.db.transaction(function* () {
      if ((yield* run(q.delete, owner, id)) !== 1) return false;
      yield* run(q.deleteDeliveriesOf, id);
      return true;
    });
  }

  async webhookTarget(id: string): Promise<{ url: string; secret: string } | undefined> {
    const row = await this.q.target.get(id);
    return row ? { url: row.url as string, secret: row.secret as string } : undefined;
  }

  async enqueueOwnerEvent(e: { eventId: string; owner: string; event: string; body: string; now: number }) {
    const pattern = `% ${e.event} %`;
    if (!(await this.q.subscribed.get(e.owner, pattern))) return 0;
    return this.q.enqueueOwner.run(e.eventId, e.event, e.body, e.now, e.now, e.owner, pattern);
  }

  async enqueueInstanceEvent(e: { id: string; event: string; body: string; now: number }): Promise<void> {
    await this.q.enqueueInstance.run(e.id, e.event, e.body, e.now, e.now);
  }

  async hasDueDelivery(now: number): Promise<boolean> {
    return (await this.q.hasDue.get(now, now)) !== undefined;
  }

  async claimDeliveries(now: number, leaseUntil: number, limit: number): Promise<readonly ClaimedDelivery[]> {
    const rows = await this.q.claim.all(leaseUntil, now, now, limit, now, now);
    return rows.map(toDelivery).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  finishDelivery(o: DeliveryOutcome & { readonly givenUp: boolean }): Promise<void> {
    const q = this.q;
    return this.db.transaction(function* () {
      yield* run(q.remove, o.id);
      if (o.webhookId !== null) yield* run(q.record, o.at, o.result, o.givenUp ? 1 : 0, o.webhookId);
    });
  }

  retryDelivery(o: DeliveryOutcome & { readonly nextAttemptAt: number }): Promise<void> {
    const q = this.q;
    return this.db.transaction(function* () {
      yield* run(q.reschedule, o.nextAttemptAt, o.id);
      if (o.webhookId !== null) yield* run(q.record, o.at, o.result, 0, o.webhookId);
    });
  }

  async countDeliveries(webhookId?: string): Promise<number> {
    const row = webhookId === undefined ? await this.q.count.get() : await this.q.countOf.get(webhookId);
    return Number(row?.n ?? 0);
  }
}

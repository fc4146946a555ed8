import type { Store } from "../store.types.ts";
import { SqlAbuse } from "./abuse.ts";
import { SqlAccounts } from "./accounts.ts";
import { all, type Body, type Driver, exec, get, run } from "./driver.ts";
import { SqlFunctions } from "./functions.ts";
import { SqlModeration } from "./moderation.ts";
import { SqlPastes } from "./pastes.ts";
import { SqlPki } from "./pki.ts";
import { SqlShortener } from "./shortener.ts";
import { SqlTokens } from "./tokens.ts";
import { SqlUploads } from "./uploads.ts";
import { SqlWebhooks } from "./webhooks.ts";

/**
 * The versioned migrations of the driver's dialect not applied yet, in one transaction: of several
 * processes starting at once, one applies each and the others see it applied.
 */
function* migrate(db: Driver): Body<void> {
  const { lockKey, migrations } = db.dialect;
  if (lockKey) yield* get(db.prepare(lockKey), "sealbin:migrations");
  yield* exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
  );
  const rows = yield* all(db.prepare("SELECT version FROM schema_migrations"));
  const done = new Set(rows.map((r) => Number(r.version)));
  const record = db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)");
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    yield* exec(m.sql);
    yield* run(record, m.version, Math.floor(Date.now() / 1000));
  }
}

/**
 * The store, on either backend: every statement written once (./pastes.ts, ./abuse.ts, …) over the
 * driver, each feature's part of the port in its own object. Which driver runs is openStore's choice.
 */
export class SqlStore implements Store {
  readonly backend: Store["backend"];
  readonly pastes: SqlPastes;
  readonly abuse: SqlAbuse;
  readonly shortener: SqlShortener;
  readonly accounts: SqlAccounts;
  readonly pki: SqlPki;
  readonly functions: SqlFunctions;
  readonly moderation: SqlModeration;
  readonly tokens: SqlTokens;
  readonly uploads: SqlUploads;
  readonly webhooks: SqlWebhooks;
  private readonly db: Driver;
  private readonly pingQuery;

  constructor(db: Driver) {
    this.db = db;
    this.backend = db.backend;
    db.start(() => migrate(db));
    this.pastes = new SqlPastes(db);
    this.abuse = new SqlAbuse(db);
    this.shortener = new SqlShortener(db);
    this.accounts = new SqlAccounts(db);
    this.pki = new SqlPki(db);
    this.functions = new SqlFunctions(db);
    this.moderation = new SqlModeration(db);
    this.tokens = new SqlTokens(db);
    this.uploads = new SqlUploads(db);
    this.webhooks = new SqlWebhooks(db);
    this.pingQuery = db.prepare("SELECT 1 AS ok");
  }

  async ping(): Promise<void> {
    await this.pingQuery.get();
  }

  sizeBytes(): Promise<number> {
    return this.db.sizeBytes();
  }

  backupTo(path: string): Promise<string> {
    return this.db.backupTo(path);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

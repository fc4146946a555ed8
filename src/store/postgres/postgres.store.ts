import pg from "pg";
import type { Row } from "../rows.ts";
import { ComposedStore, type StoreParts } from "../store.parts.ts";
import { PostgresAbuse } from "./postgres.abuse.ts";
import { PostgresAccounts } from "./postgres.accounts.ts";
import { numbered, type PgSql, type Queryable, unavailable } from "./postgres.common.ts";
import { PostgresFunctions } from "./postgres.functions.ts";
import { postgresMigrations } from "./postgres.migrations.ts";
import { PostgresPastes } from "./postgres.pastes.ts";
import { PostgresPki } from "./postgres.pki.ts";
import { PostgresShortener } from "./postgres.shortener.ts";

const MIGRATION_LOCK = 7_041_991; // pg_advisory_xact_lock key: one migrator at a time

/**
 * PostgreSQL through node-postgres (`SEALBIN_DATABASE_URL=postgres://…`): a connection pool, the
 * same tables and rules as the SQLite store, and the atomicity SQLite gets from its single writer
 * made explicit (advisory locks, a unique index for the one admin, RETURNING). Each feature's
 * statements are in its part of the store (postgres.<feature>.ts); this class connects, migrates,
 * runs transactions and closes.
 */
export class PostgresStore extends ComposedStore {
  override readonly backend = "postgres";
  protected override readonly parts: StoreParts;
  private readonly pool: pg.Pool;
  private readyPromise: Promise<void> | undefined;

  constructor(url: string, poolSize = 10) {
    super();
    this.pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
    // An idle client losing its connection (the server restarting) must not crash the process.
    this.pool.on("error", () => undefined);
    const sql: PgSql = {
      q: (text, params, on) => this.q(text, params, on),
      run: (text, params) => this.run(text, params),
      one: (text, params) => this.one(text, params),
      prepared: (name, text, params) => this.prepared(name, text, params),
      tx: (fn) => this.tx(fn),
    };
    this.parts = {
      pastes: new PostgresPastes(sql),
      abuse: new PostgresAbuse(sql),
      shortener: new PostgresShortener(sql),
      accounts: new PostgresAccounts(sql),
      pki: new PostgresPki(sql),
      functions: new PostgresFunctions(sql),
    };
    void this.ready.catch(() => undefined);
  }

  /** Migrated and usable; when the database was down, the next call tries again. */
  private get ready(): Promise<void> {
    this.readyPromise ??= this.migrate().catch((err: unknown) => {
      this.readyPromise = undefined;
      throw unavailable(err);
    });
    return this.readyPromise;
  }

  private async migrate(): Promise<void> {
    await this.tx(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      await c.query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
      );
      const done = new Set(
        (await c.query("SELECT version FROM schema_migrations")).rows.map((r) => Number(r.version)),
      );
      for (const m of postgresMigrations) {
        if (done.has(m.version)) continue;
        await c.query(m.sql);
        await c.query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", [
          m.version,
          Math.floor(Date.now() / 1000),
        ]);
      }
    }, false);
  }

  private async q(sql: string, params: unknown[] = [], on: Queryable = this.pool): Promise<Row[]> {
    if (on === this.pool) await this.ready;
    try {
      return (await on.query(numbered(sql), params)).rows as Row[];
    } catch (err) {
      throw unavailable(err);
    }
  }

  private async run(sql: string, params: unknown[] = []): Promise<number> {
    await this.ready;
    try {
      return (await this.pool.query(numbered(sql), params)).rowCount ?? 0;
    } catch (err) {
      throw unavailable(err);
    }
  }

  private async one(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.q(sql, params))[0];
  }

  /** The first row of a statement each pooled connection prepares once: for queries run by the thousand. */
  private async prepared(name: string, sql: string, params: unknown[]): Promise<Row | undefined> {
    await this.ready;
    try {
      return (await this.pool.query({ name, text: numbered(sql), values: params })).rows[0] as
        | Row
        | undefined;
    } catch (err) {
      throw unavailable(err);
    }
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>, waitReady = true): Promise<T> {
    if (waitReady) await this.ready;
    const c = await this.pool.connect().catch((err: unknown) => {
      throw unavailable(err);
    });
    try {
      await c.query("BEGIN");
      const result = await fn(c);
      await c.query("COMMIT");
      return result;
    } catch (err) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw unavailable(err);
    } finally {
      c.release();
    }
  }

  override async ping(): Promise<void> {
    await this.q("SELECT 1 AS ok");
  }

  override async sizeBytes(): Promise<number> {
    return Number((await this.one("SELECT pg_database_size(current_database()) AS n"))?.n);
  }

  private closing: Promise<void> | undefined;

  override close(): Promise<void> {
    this.closing ??= this.ready.catch(() => undefined).then(() => this.pool.end());
    return this.closing;
  }
}

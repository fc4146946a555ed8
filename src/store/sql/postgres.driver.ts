import pg from "pg";
import { BackupUnsupported, StoreUnavailable } from "../store.errors.ts";
import { postgresDialect } from "./dialects.ts";
import type { Body, Driver, Query, Step } from "./driver.ts";
import type { Row } from "./rows.ts";

/** The database cannot be reached (down, restarting, network): a 503 the client may retry, not a 500. */
const unavailable = (err: unknown) => (postgresDialect.outOfReach(err) ? new StoreUnavailable(err) : err);

/** `?` placeholders, as the shared statements write them, numbered for PostgreSQL ($1, $2, …). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** node-postgres sends Buffers as bytea; a Uint8Array it would send as text. */
const param = (v: unknown) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v) : v);

/** A named statement: each pooled connection prepares it once, on its first use. */
type Named = { readonly name: string; readonly text: string };

/**
 * PostgreSQL through node-postgres (`SEALBIN_DATABASE_URL=postgres://…`): a pool of connections,
 * every statement named (prepared once per connection), the migrations before the first statement.
 */
export class PostgresDriver implements Driver {
  readonly backend = "postgres";
  readonly dialect = postgresDialect;
  private readonly pool: pg.Pool;
  private count = 0;
  private setup: (() => Body<void>) | undefined;
  private readyPromise: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(url: string, poolSize = 10) {
    this.pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
    // An idle client losing its connection (the server restarting) must not crash the process.
    this.pool.on("error", () => undefined);
  }

  prepare(sql: string): Query {
    const named: Named = { name: `sealbin_${++this.count}`, text: numbered(sql) };
    const query = async (params: unknown[]) => {
      await this.ready;
      try {
        return await this.pool.query({ ...named, values: params.map(param) });
      } catch (err) {
        throw unavailable(err);
      }
    };
    return Object.assign(
      {
        get: async (...params: unknown[]) => (await query(params)).rows[0] as Row | undefined,
        all: async (...params: unknown[]) => (await query(params)).rows as Row[],
        run: async (...params: unknown[]) => (await query(params)).rowCount ?? 0,
      },
      { named },
    );
  }

  start(setup: () => Body<void>): void {
    this.setup = setup;
    void this.ready.catch(() => undefined);
  }

  /** Migrated and usable; when the database was down, the next call tries again. */
  private get ready(): Promise<void> {
    const setup = this.setup;
    if (!setup) return Promise.resolve();
    this.readyPromise ??= this.runTx(setup, "write").catch((err: unknown) => {
      this.readyPromise = undefined;
      throw err;
    });
    return this.readyPromise;
  }

  async transaction<T>(body: () => Body<T>, mode: "write" | "read" = "write"): Promise<T> {
    await this.ready;
    return this.runTx(body, mode);
  }

  private async runTx<T>(body: () => Body<T>, mode: "write" | "read"): Promise<T> {
    const c = await this.pool.connect().catch((err: unknown) => {
      throw unavailable(err);
    });
    let broken: Error | undefined;
    // A checked-out client has no pool listener for its errors: one emitted now (the server going
    // away mid-transaction) would otherwise end the process. The statement fails with it anyway.
    const onError = (err: Error) => {
      broken = err;
    };
    c.on("error", onError);
    try {
      await c.query(mode === "write" ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      const steps = body();
      let next = steps.next();
      while (!next.done) next = steps.next(await this.step(c, next.value));
      await c.query("COMMIT");
      return next.value;
    } catch (err) {
      // A connection that cannot roll back is dropped, not handed to the next caller.
      await c.query("ROLLBACK").catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
      throw unavailable(err);
    } finally {
      // A broken client is ended by the pool, and may still report its socket's end: keep hearing it.
      if (!broken) c.removeListener("error", onError);
      c.release(broken);
    }
  }

  private async step(c: pg.PoolClient, step: Step): Promise<unknown> {
    if (step.op === "exec") return c.query(step.sql);
    const { named } = step.query as Query & { named: Named };
    const result = await c.query({ ...named, values: step.params.map(param) });
    if (step.op === "get") return result.rows[0];
    return step.op === "all" ? result.rows : (result.rowCount ?? 0);
  }

  private sizeQuery: Query | undefined;

  async sizeBytes(): Promise<number> {
    this.sizeQuery ??= this.prepare("SELECT pg_database_size(current_database()) AS n");
    return Number((await this.sizeQuery.get())?.n);
  }

  async backupTo(): Promise<string> {
    throw new BackupUnsupported("on PostgreSQL, back up with pg_dump (docs/postgresql.md)");
  }

  close(): Promise<void> {
    this.closing ??= (this.readyPromise ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.pool.end());
    return this.closing;
  }
}

import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { backup, DatabaseSync, type StatementSync } from "node:sqlite";
import { sqliteDialect } from "./dialects.ts";
import type { Body, Driver, Query, Step } from "./driver.ts";
import type { Row } from "./rows.ts";

function retryWhileLocked(action: () => void, timeoutMs = 10_000): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      action();
      return;
    } catch (err) {
      if (!/database is locked/.test(String(err)) || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

class SqliteQuery implements Query {
  readonly statement: StatementSync;
  constructor(statement: StatementSync) {
    this.statement = statement;
  }
  async get(...params: unknown[]): Promise<Row | undefined> {
    return this.statement.get(...(params as never[])) as Row | undefined;
  }
  async all(...params: unknown[]): Promise<Row[]> {
    return this.statement.all(...(params as never[])) as Row[];
  }
  async run(...params: unknown[]): Promise<number> {
    return Number(this.statement.run(...(params as never[])).changes);
  }
}

/** node:sqlite in WAL mode: synchronous, so a transaction's body runs to its end with nothing between. */
export class SqliteDriver implements Driver {
  readonly backend = "sqlite";
  readonly dialect = sqliteDialect;
  private readonly db: DatabaseSync;
  private readonly path: string;

  constructor(path: string) {
    this.path = path;
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    // busy_timeout first: another process may hold the write lock while this one starts.
    this.db.exec("PRAGMA busy_timeout = 5000");
    // Switching to WAL takes an exclusive lock and, unlike other statements, does not wait on the
    // busy timeout: when processes start together, retry for a while.
    retryWhileLocked(() => this.db.exec("PRAGMA journal_mode = WAL"));
    this.db.exec("PRAGMA synchronous = NORMAL");
    this.db.exec("PRAGMA foreign_keys = ON");
  }

  prepare(sql: string): Query {
    return new SqliteQuery(this.db.prepare(sql));
  }

  start(setup: () => Body<void>): void {
    this.runSync(setup, "write");
  }

  async transaction<T>(body: () => Body<T>, mode: "write" | "read" = "write"): Promise<T> {
    return this.runSync(body, mode);
  }

  private runSync<T>(body: () => Body<T>, mode: "write" | "read"): T {
    // A read transaction in WAL mode reads one snapshot from its first statement to COMMIT.
    this.db.exec(mode === "write" ? "BEGIN IMMEDIATE" : "BEGIN");
    try {
      const steps = body();
      let next = steps.next();
      while (!next.done) next = steps.next(this.step(next.value));
      this.db.exec("COMMIT");
      return next.value;
    } catch (err) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw err;
    }
  }

  private step(step: Step): unknown {
    if (step.op === "exec") return this.db.exec(step.sql);
    const { statement } = step.query as SqliteQuery;
    const params = step.params as never[];
    if (step.op === "get") return statement.get(...params);
    if (step.op === "all") return statement.all(...params);
    return Number(statement.run(...params).changes);
  }

  async sizeBytes(): Promise<number> {
    if (this.path === ":memory:") return 0;
    const size = (file: string) => statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    return size(this.path) + size(`${this.path}-wal`);
  }

  /** SQLite's online backup: a consistent copy while others write. */
  async backupTo(path: string): Promise<string> {
    return `${await backup(this.db, path)} pages`;
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}

/**
 * What a store raises besides programming errors: the database could not be reached. Stores know
 * nothing of HTTP; src/http/errors.ts answers this with 503 and Retry-After.
 */
export class StoreUnavailable extends Error {
  constructor(cause: unknown) {
    super("the database is unavailable", { cause });
    this.name = "StoreUnavailable";
  }
}

/** The backend has no online copy of its own (PostgreSQL: pg_dump does it, docs/postgresql.md). */
export class BackupUnsupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupUnsupported";
  }
}

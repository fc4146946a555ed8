import type { Config } from "../config/config.ts";
import { PostgresDriver } from "./sql/postgres.driver.ts";
import { SqlStore } from "./sql/sql.store.ts";
import { SqliteDriver } from "./sql/sqlite.driver.ts";
import type { Store } from "./store.types.ts";

export type * from "./store.types.ts";
export { BlobGone, ContentBlocked, isChunked } from "./store.types.ts";

/** The only switch on the backend type: PostgreSQL when SEALBIN_DATABASE_URL is set, else SQLite. */
export function openStore(
  config: Pick<Config, "db" | "databaseUrl"> & Partial<Pick<Config, "databasePool">>,
): Store {
  return new SqlStore(
    config.databaseUrl !== ""
      ? new PostgresDriver(config.databaseUrl, config.databasePool)
      : new SqliteDriver(config.db),
  );
}

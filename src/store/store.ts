import type { Config } from "../config/config.ts";
import { PostgresStore } from "./postgres/postgres.store.ts";
import { SqliteStore } from "./sqlite/sqlite.store.ts";
import type { Store } from "./store.types.ts";

export type {
  AuditEvent,
  CaRecord,
  CertificateRecord,
  ChunkedContent,
  FunctionClient,
  ImageMeta,
  ImagePermission,
  ImageRecord,
  ImageRole,
  NewCertificate,
  NewPaste,
  NewShortUrl,
  Page,
  PasteForRead,
  PasteMeta,
  ShortUrlRecord,
  Store,
  StoredContent,
  UserRecord,
} from "./store.types.ts";
export { BlobGone, isChunked } from "./store.types.ts";

/** The only switch on the backend type: PostgreSQL when SEALBIN_DATABASE_URL is set, else SQLite. */
export function openStore(config: Pick<Config, "db" | "databaseUrl">): Store {
  return config.databaseUrl !== "" ? new PostgresStore(config.databaseUrl) : new SqliteStore(config.db);
}

import type { Config } from "../config/config.ts";
import { SqliteStore } from "./sqlite/sqlite.store.ts";
import type { Store } from "./store.types.ts";

export type {
  AuditEvent,
  CaRecord,
  CertificateRecord,
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
  UserRecord,
} from "./store.types.ts";

/** The only switch on the backend type. */
export function openStore(config: Pick<Config, "db">): Store {
  return new SqliteStore(config.db);
}

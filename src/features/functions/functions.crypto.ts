/** The server's own part of the sealed function API; the wire format is src/protocol/sealed-call.ts. */
import { createHash } from "node:crypto";

/** What the store keeps of a client's secret: its SHA-256, never the secret. */
export function secretHash(secretHex: string): string {
  return createHash("sha256").update(secretHex, "utf8").digest("hex");
}

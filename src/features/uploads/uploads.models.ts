/**
 * Resumable uploads' rules (docs/uploads.md): the tus 1.0 protocol's headers and what sealbin keeps
 * of an upload between its requests.
 */

export const TUS_VERSION = "1.0.0";
export const TUS_EXTENSIONS = "creation,termination,expiration";
export const OFFSET_CONTENT_TYPE = "application/offset+octet-stream";
/** An upload not written to for this long is abandoned: it and its chunks are reaped. */
export const UPLOAD_IDLE_SECONDS = 24 * 3600;
/** The id in /uploads/{id}: 32 hex characters (128 bits from the CSPRNG), the upload's capability. */
export const UPLOAD_ID = /^[0-9a-f]{32}$/;

/** The paste an upload becomes, as decided when it was created (the same rules as POST /). */
export interface UploadSettings {
  readonly maxViews: number | null;
  readonly expirySeconds: number | null;
  readonly passwordHash: string | null;
  /** The keyed hash of the source, while SEALBIN_ABUSE_RECORD_DAYS keeps it. */
  readonly source: { readonly hash: string; readonly until: number } | null;
  /** The trust level the creator had: the paste's default expiry follows it. */
  readonly trustLevel: "anonymous" | "untrusted" | "trusted";
  /** The Content-Type the creator declared for the content (Upload-Metadata "filetype"), if any. */
  readonly declaredType: string | null;
}

export function settingsOf(options: string): UploadSettings {
  return JSON.parse(options) as UploadSettings;
}

/** A non-negative integer header (Upload-Length, Upload-Offset) as tus writes them; NaN otherwise. */
export function byteCount(value: string | string[] | undefined): number {
  if (typeof value !== "string" || !/^(0|[1-9][0-9]{0,15})$/.test(value)) return Number.NaN;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : Number.NaN;
}

/**
 * Upload-Metadata: comma-separated `key base64value` pairs (tus 1.0 §creation). Only `filetype` is
 * used (the declared Content-Type); the rest, a file name among them, is not kept: an end-to-end
 * encrypted upload carries its names inside the encryption. Undefined when malformed.
 */
export function metadataOf(value: string | undefined): Map<string, string> | undefined {
  const pairs = new Map<string, string>();
  if (value === undefined || value.trim() === "") return pairs;
  if (value.length > 4096) return undefined;
  for (const pair of value.split(",")) {
    const [key, encoded, ...rest] = pair.trim().split(" ");
    if (!key || rest.length > 0 || !/^[!-~]+$/.test(key) || pairs.has(key)) return undefined;
    if (encoded !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return undefined;
    pairs.set(key, encoded === undefined ? "" : Buffer.from(encoded, "base64").toString("utf8"));
  }
  return pairs;
}

/** RFC 9110's IMF-fixdate, as Upload-Expires carries it. */
export const httpDate = (unixSeconds: number): string => new Date(unixSeconds * 1000).toUTCString();

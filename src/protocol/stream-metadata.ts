/**
 * The version-2 stream's file list (record 0, docs/encryption.md "Version 2"): its bounds, how it is
 * cleaned, written and read, and the errors a stream fails with. stream-cipher.ts seals and opens it.
 */
import { utf8, utf8OrNull } from "./bytes.ts";
import { cleanFileName } from "./paste-cipher.ts";

/** Bounds on the metadata: files per paste, and the record's size (it must fit one record). */
export const MAX_FILES = 1000;
export const STREAM_META_MAX_BYTES = 64 * 1024;
const TYPE_MAX_CHARS = 127;
const VALID_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

export type StreamFailure =
  | "bad-key"
  | "bad-header"
  | "not-authentic"
  | "truncated"
  | "trailing-data"
  | "bad-metadata";

const MESSAGES: Record<StreamFailure, string> = {
  "bad-key": "the #key in the URL is not a 256-bit key (43 base64url characters)",
  "bad-header": "decryption failed: this is not a sealbin stream (version 2) or its header is damaged",
  "not-authentic": "decryption failed: wrong key, or the content was altered, reordered or spliced",
  truncated: "decryption failed: the content is cut short (its last record is missing)",
  "trailing-data": "decryption failed: bytes follow the content's last record",
  "bad-metadata": "decryption failed: the file list is malformed or does not match the content",
};

export class StreamCipherError extends Error {
  readonly failure: StreamFailure;
  constructor(failure: StreamFailure) {
    super(MESSAGES[failure]);
    this.name = "StreamCipherError";
    this.failure = failure;
  }
}

/** One file of a paste: its name (no directory), media type and size in bytes. */
export interface StreamFile {
  readonly name: string;
  readonly type?: string;
  readonly size: number;
}

export interface StreamMetadata {
  readonly files: readonly StreamFile[];
}

function cleanFiles(files: readonly StreamFile[]): StreamFile[] {
  if (files.length > MAX_FILES) throw new StreamCipherError("bad-metadata");
  return files.map((f) => {
    if (!Number.isSafeInteger(f.size) || f.size < 0) throw new StreamCipherError("bad-metadata");
    const type = f.type && f.type.length <= TYPE_MAX_CHARS && VALID_TYPE.test(f.type) ? f.type : undefined;
    return { name: cleanFileName(f.name) || "file", ...(type && { type }), size: f.size };
  });
}

export function encodeMetadata(meta: StreamMetadata): Uint8Array {
  const json = utf8(JSON.stringify({ files: cleanFiles(meta.files) }));
  if (json.length > STREAM_META_MAX_BYTES) throw new StreamCipherError("bad-metadata");
  return json;
}

export function decodeMetadata(bytes: Uint8Array): StreamMetadata {
  const text = utf8OrNull(bytes);
  let parsed: unknown;
  try {
    parsed = text === null ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  const files = (parsed as { files?: unknown } | null)?.files;
  if (!Array.isArray(files)) throw new StreamCipherError("bad-metadata");
  return {
    files: cleanFiles(
      files.map((f) => {
        const { name, type, size } = (f ?? {}) as Record<string, unknown>;
        if (
          typeof name !== "string" ||
          typeof size !== "number" ||
          (type !== undefined && typeof type !== "string")
        )
          throw new StreamCipherError("bad-metadata");
        return { name, size, ...(typeof type === "string" && { type }) };
      }),
    ),
  };
}

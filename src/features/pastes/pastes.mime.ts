import { isUtf8 } from "node:buffer";

// file-type (and its tokenizer libraries) is loaded with the first content it looks at, not at start-up.
let fileType: Promise<typeof import("file-type")> | undefined;

/** The format the magic bytes say (file-type), or undefined. */
export async function detectFileType(bytes: Uint8Array): Promise<{ ext: string; mime: string } | undefined> {
  fileType ??= import("file-type");
  return (await fileType).fileTypeFromBuffer(bytes);
}

/** Content-Types that say nothing about the content: detection falls through to the UTF-8 check. */
const GENERIC_TYPES = new Set([
  "application/octet-stream",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "text/plain",
  "binary/octet-stream",
  "application/unknown",
]);

const MIME_PATTERN = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** A declared Content-Type reduced to a bare, lowercase media type; undefined when malformed. */
export function sanitizeMimeType(declared: string | undefined): string | undefined {
  if (declared === undefined) return undefined;
  const bare = declared.split(";", 1)[0]?.trim().toLowerCase() ?? "";
  return MIME_PATTERN.test(bare) ? bare : undefined;
}

export function isValidUtf8(content: Uint8Array): boolean {
  // Checked in place: decoding would build a string as large as the paste.
  return isUtf8(content);
}

/**
 * MIME detection, in the reference's order: magic bytes first, then an explicit non-generic
 * Content-Type, then valid UTF-8 → text/plain, else application/octet-stream. `head` is the content
 * or, for a large one, its first chunk; `validUtf8` then tells about the whole content.
 */
export async function detectMimeType(
  head: Uint8Array,
  declared: string | undefined,
  validUtf8: () => boolean = () => isValidUtf8(head),
): Promise<string> {
  const magic = await detectFileType(head);
  if (magic) return magic.mime;
  const explicit = sanitizeMimeType(declared);
  if (explicit !== undefined && !GENERIC_TYPES.has(explicit)) return explicit;
  return validUtf8() ? "text/plain" : "application/octet-stream";
}

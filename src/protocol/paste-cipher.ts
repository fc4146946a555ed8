/**
 * The end-to-end paste format (docs/encryption.md, version 1): IV (12 bytes) ‖ AES-256-GCM
 * ciphertext ‖ tag (16 bytes); the 32-byte key travels in the link's #fragment as base64url without
 * padding (readers also take standard base64 and padding). A paste that carries its file's name and
 * type is sealed with the additional data META_AAD, and its plaintext starts with a metadata record
 * (2-byte big-endian length, then that many bytes of JSON); one without is sealed with no additional
 * data and is exactly fpaste's format. The additional data binds the choice: a reader never mistakes
 * content for a header, or a header for content. WebCrypto only, so the CLI and the web page run
 * this file as it is.
 */
import { concatBytes, fromBase64, randomBytes, toBase64Url, utf8, utf8OrNull } from "./bytes.ts";

export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
/** The stored size is the plaintext's plus this. */
export const OVERHEAD_BYTES = IV_BYTES + TAG_BYTES;

/** Why a paste did not open: each has its own message, the same in every client. */
export type PasteCipherFailure = "bad-key" | "too-short" | "not-authentic" | "bad-metadata";

const MESSAGES: Record<PasteCipherFailure, string> = {
  "bad-key": "the #key in the URL is not a 256-bit key (43 base64url characters)",
  "too-short": "decryption failed: the paste is too short to be sealbin ciphertext",
  "not-authentic": "decryption failed: wrong key, or the paste is not encrypted or was altered",
  "bad-metadata": "decryption failed: the paste's metadata record is malformed",
};

/** The additional data of a paste whose plaintext starts with a metadata record (version 1 of it). */
export const META_AAD = utf8("sealbin paste metadata v1");
/** Bounds on the record: a file name and a media type fit well within them. */
export const META_MAX_BYTES = 4096;
const NAME_MAX_CHARS = 255;
const TYPE_MAX_CHARS = 127;

/** What a paste may say about its content, inside the encryption (the server never sees it). */
export interface PasteMetadata {
  /** The file's name, without any directory. */
  readonly name?: string;
  /** Its media type as the uploader's system named it. */
  readonly type?: string;
}

/** A name as it may travel: the last path segment, no control characters, at most 255 characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  return Array.from(base.replace(/\p{Cc}/gu, "").trim())
    .slice(0, NAME_MAX_CHARS)
    .join("");
}

const VALID_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

function metadataRecord(meta: PasteMetadata): Uint8Array {
  const fields: Record<string, string> = {};
  const name = meta.name === undefined ? "" : cleanFileName(meta.name);
  if (name !== "") fields.name = name;
  if (meta.type && meta.type.length <= TYPE_MAX_CHARS && VALID_TYPE.test(meta.type)) fields.type = meta.type;
  const json = utf8(JSON.stringify(fields));
  if (json.length > META_MAX_BYTES) throw new PasteCipherError("bad-metadata");
  return concatBytes(Uint8Array.of(json.length >> 8, json.length & 0xff), json);
}

/** Splits a metadata record from the content; unknown fields are ignored (later versions add some). */
function splitRecord(plain: Uint8Array): { content: Uint8Array; meta: PasteMetadata } {
  if (plain.length < 2) throw new PasteCipherError("bad-metadata");
  const length = ((plain[0] ?? 0) << 8) | (plain[1] ?? 0);
  if (length > META_MAX_BYTES || plain.length < 2 + length) throw new PasteCipherError("bad-metadata");
  const text = utf8OrNull(plain.subarray(2, 2 + length));
  let parsed: unknown;
  try {
    parsed = text === null ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new PasteCipherError("bad-metadata");
  }
  const { name, type } = parsed as Record<string, unknown>;
  const meta: { name?: string; type?: string } = {};
  if (typeof name === "string" && cleanFileName(name) !== "") meta.name = cleanFileName(name);
  if (typeof type === "string" && type.length <= TYPE_MAX_CHARS && VALID_TYPE.test(type)) meta.type = type;
  return { content: plain.subarray(2 + length), meta };
}

export class PasteCipherError extends Error {
  readonly failure: PasteCipherFailure;
  constructor(failure: PasteCipherFailure) {
    super(MESSAGES[failure]);
    this.name = "PasteCipherError";
    this.failure = failure;
  }
}

/** The key in a fragment (with or without its "#"); null when it is not 32 bytes of base64(url). */
export function keyFromFragment(fragment: string): Uint8Array | null {
  const text = fragment.replace(/^#/, "");
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return null;
  const key = fromBase64(text);
  return key?.length === KEY_BYTES ? key : null;
}

export const fragmentOfKey = (key: Uint8Array): string => toBase64Url(key);

// WebCrypto's BufferSource wants ArrayBuffer-backed views; every view made here is.
const buffer = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>;

async function aesKey(key: Uint8Array, use: "encrypt" | "decrypt"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", buffer(key), "AES-GCM", false, [use]);
}

/**
 * Encrypts under a fresh key and IV; `fragment` is what goes after the link's "#". With `meta` (a
 * file's name or type), the plaintext carries a metadata record first.
 */
export async function encryptPaste(
  content: Uint8Array,
  meta?: PasteMetadata,
): Promise<{ body: Uint8Array; fragment: string }> {
  const key = randomBytes(KEY_BYTES);
  const iv = randomBytes(IV_BYTES);
  const record = meta && (meta.name || meta.type) ? metadataRecord(meta) : undefined;
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: buffer(iv), ...(record ? { additionalData: buffer(META_AAD) } : {}) },
    await aesKey(key, "encrypt"),
    buffer(record ? concatBytes(record, content) : content),
  );
  return { body: concatBytes(iv, new Uint8Array(sealed)), fragment: fragmentOfKey(key) };
}

async function tryDecrypt(blob: Uint8Array, key: CryptoKey, aad?: Uint8Array): Promise<Uint8Array | null> {
  try {
    const plain = await crypto.subtle.decrypt(
      {
        name: "AES-GCM",
        iv: buffer(blob.slice(0, IV_BYTES)),
        ...(aad ? { additionalData: buffer(aad) } : {}),
      },
      key,
      buffer(blob.slice(IV_BYTES)),
    );
    return new Uint8Array(plain);
  } catch {
    return null;
  }
}

/**
 * Decrypts and authenticates a paste, with the metadata it carries (none for a paste sealed without
 * it, such as every paste fpaste makes); throws PasteCipherError and never returns unverified
 * bytes. `key` is the fragment text or the key's bytes.
 */
export async function openPaste(
  blob: Uint8Array,
  key: string | Uint8Array,
): Promise<{ content: Uint8Array; meta: PasteMetadata }> {
  const raw = typeof key === "string" ? keyFromFragment(key) : key.length === KEY_BYTES ? key : null;
  if (!raw) throw new PasteCipherError("bad-key");
  if (blob.length < OVERHEAD_BYTES) throw new PasteCipherError("too-short");
  const aesKeyValue = await aesKey(raw, "decrypt");
  const plain = await tryDecrypt(blob, aesKeyValue);
  if (plain) return { content: plain, meta: {} };
  const withMeta = await tryDecrypt(blob, aesKeyValue, META_AAD);
  if (withMeta) return splitRecord(withMeta);
  throw new PasteCipherError("not-authentic");
}

/** The content of a paste (its metadata, if any, left out). */
export async function decryptPaste(blob: Uint8Array, key: string | Uint8Array): Promise<Uint8Array> {
  return (await openPaste(blob, key)).content;
}

/**
 * The sealed function API's wire format (mini-share-point's /v1, exactly). A call is a JSON object of
 * four fields, each URL-safe base64 of a NaCl crypto_box (X25519-XSalsa20-Poly1305): the 24-byte
 * nonce followed by the box, sealed with the key the client's secret key and the server's public key
 * share. `id` is the client's secret (its hex text), `check` the CRC-32 of that text, `ts` the Unix
 * time, `entry` the function's name; numbers travel as minimal big-endian bytes (Python's
 * int.to_bytes). The answer is `{"value": <a field sealed the same way>}`. On tweetnacl, in Node and
 * browsers alike; docs/functions.md.
 */
import nacl from "tweetnacl";
import { concatBytes, fromBase64, randomBytes, toBase64, toBase64Url, utf8, utf8OrNull } from "./bytes.ts";

const NONCE = nacl.box.nonceLength;
const OVERHEAD = nacl.box.overheadLength;
/** No field of a genuine request comes near this (the id is a 128-character secret). */
export const MAX_FIELD_CHARS = 8192;
export const CALL_FIELDS = ["id", "check", "ts", "entry"] as const;
export type SealedCall = Record<(typeof CALL_FIELDS)[number], string>;

export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** Standard or URL-safe base64 of exactly 32 bytes, or null. */
export function decodeKey(text: string): Uint8Array | null {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) return null;
  const bytes = fromBase64(trimmed);
  return bytes?.length === 32 ? bytes : null;
}

/** A key as the original's files hold it: standard base64 with padding. */
export const encodeKey = (key: Uint8Array): string => toBase64(key);

export const generateKeyPair = (): KeyPair => nacl.box.keyPair();

export const keyPairFromSecret = (secretKey: Uint8Array): KeyPair =>
  nacl.box.keyPair.fromSecretKey(secretKey);

/** The X25519 shared key NaCl derives for a pair (crypto_box_beforenm): computed once per peer. */
export const sharedKey = (theirPublic: Uint8Array, ourSecret: Uint8Array): Uint8Array =>
  nacl.box.before(theirPublic, ourSecret);

/** A field as sent: URL-safe base64 (padded or not) of nonce ‖ box; null when it cannot be one. */
export function decodeField(value: unknown): Uint8Array | null {
  if (typeof value !== "string" || value.length > MAX_FIELD_CHARS) return null;
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(value)) return null;
  const bytes = fromBase64(value);
  return bytes && bytes.length >= NONCE + OVERHEAD ? bytes : null;
}

export const nonceOf = (field: Uint8Array): Uint8Array => field.subarray(0, NONCE);

/** Opens nonce ‖ box with a shared key; null when it was not sealed with that key (or was altered). */
export function openField(field: Uint8Array, shared: Uint8Array): Uint8Array | null {
  if (field.length < NONCE + OVERHEAD) return null;
  return nacl.box.open.after(field.subarray(NONCE), field.subarray(0, NONCE), shared);
}

/**
 * Seals bytes under a fresh random nonce: URL-safe base64 with padding (Python's urlsafe_b64decode,
 * which the original client and server use, insists on it).
 */
export function sealField(message: Uint8Array, shared: Uint8Array): string {
  const nonce = randomBytes(NONCE);
  return toBase64Url(concatBytes(nonce, nacl.box.after(message, nonce, shared)), true);
}

/** An integer sent as minimal big-endian bytes; null beyond 6 bytes. */
export function bigEndianNumber(bytes: Uint8Array): number | null {
  if (bytes.length > 6) return null;
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  return n;
}

/** Python's int.to_bytes((n.bit_length() + 7) // 8, "big"): zero is no bytes. */
export function minimalBigEndian(n: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Uint8Array.from(bytes);
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as zlib and Python's zlib.crc32 compute it. */
export function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}

/** A client's call of `entry`, as the original client makes it. */
export function sealCall(
  call: { readonly secretHex: string; readonly entry: string; readonly unixSeconds: number },
  shared: Uint8Array,
): SealedCall {
  const secret = utf8(call.secretHex);
  return {
    id: sealField(secret, shared),
    check: sealField(minimalBigEndian(crc32(secret)), shared),
    ts: sealField(minimalBigEndian(call.unixSeconds), shared),
    entry: sealField(utf8(call.entry), shared),
  };
}

/** A call's four fields decoded (not yet opened); null when one is missing or cannot be a box. */
export function decodeCall(body: unknown): Uint8Array[] | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const record = body as Record<string, unknown>;
  const fields = CALL_FIELDS.map((f) => decodeField(record[f]));
  return fields.every((f) => f !== null) ? (fields as Uint8Array[]) : null;
}

/** A call as its sender made it: the secret's bytes, the time, the function's name. */
export interface OpenedCall {
  readonly secret: Uint8Array;
  readonly unixSeconds: number;
  readonly entry: string;
}

/**
 * Opens decoded fields with one shared key: `null` when that key did not seal them (or the CRC of
 * the secret does not match: not this sender's call), a string saying why when the sender's call is
 * unreadable.
 */
export function openCall(fields: Uint8Array[], shared: Uint8Array): OpenedCall | null | string {
  const [id, check, ts, entry] = fields as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const secret = openField(id, shared);
  if (!secret) return null;
  const crc = openField(check, shared);
  const time = openField(ts, shared);
  const name = openField(entry, shared);
  if (!crc || !time || !name || bigEndianNumber(crc) !== crc32(secret)) return null;
  const unixSeconds = bigEndianNumber(time);
  if (unixSeconds === null) return "timestamp unreadable";
  const entryName = utf8OrNull(name);
  if (entryName === null) return "function name is not UTF-8";
  return { secret, unixSeconds, entry: entryName };
}

/** The server's answer `value`, opened; null when it was not sealed with this shared key. */
export function openReply(value: unknown, shared: Uint8Array): Uint8Array | null {
  const field = decodeField(value);
  return field ? openField(field, shared) : null;
}

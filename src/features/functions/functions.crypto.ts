/**
 * The sealed function API's wire format (mini-share-point's, exactly): every value is URL-safe base64
 * of a NaCl crypto_box (X25519-XSalsa20-Poly1305), the 24-byte nonce followed by the box.
 */
import { createHash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import nacl from "tweetnacl";

const NONCE = nacl.box.nonceLength;
const OVERHEAD = nacl.box.overheadLength;
/** No field of a genuine request comes near this (the id is a 128-character secret). */
const MAX_FIELD_CHARS = 8192;

export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** Standard or URL-safe base64 of exactly 32 bytes, or null. */
export function decodeKey(text: string): Uint8Array | null {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) return null;
  const bytes = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return bytes.length === 32 ? new Uint8Array(bytes) : null;
}

export function encodeKey(key: Uint8Array): string {
  return Buffer.from(key).toString("base64");
}

export function generateKeyPair(): KeyPair {
  return nacl.box.keyPair();
}

export function keyPairFromSecret(secretKey: Uint8Array): KeyPair {
  return nacl.box.keyPair.fromSecretKey(secretKey);
}

/** The X25519 shared key NaCl derives for a pair (crypto_box_beforenm): computed once per client. */
export function sharedKey(theirPublic: Uint8Array, ourSecret: Uint8Array): Uint8Array {
  return nacl.box.before(theirPublic, ourSecret);
}

/** A field as sent: URL-safe base64 (padded or not) of nonce ‖ box; null when it cannot be one. */
export function decodeField(value: unknown): Uint8Array | null {
  if (typeof value !== "string" || value.length > MAX_FIELD_CHARS) return null;
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(value)) return null;
  const bytes = Buffer.from(value, "base64url");
  return bytes.length >= NONCE + OVERHEAD ? new Uint8Array(bytes) : null;
}

export function nonceOf(field: Uint8Array): Uint8Array {
  return field.subarray(0, NONCE);
}

/** Opens nonce ‖ box with a precomputed shared key; null when it was not sealed with that key. */
export function openField(field: Uint8Array, shared: Uint8Array): Uint8Array | null {
  return nacl.box.open.after(field.subarray(NONCE), field.subarray(0, NONCE), shared);
}

/** Seals a reply for the client: a fresh random nonce, then the box; URL-safe base64 with padding. */
export function sealReply(message: string, shared: Uint8Array): string {
  const nonce = new Uint8Array(randomBytes(NONCE));
  const box = nacl.box.after(new TextEncoder().encode(message), nonce, shared);
  // Python's urlsafe_b64decode, which the original client uses, insists on the padding.
  return Buffer.concat([nonce, box]).toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}

/** An integer sent as minimal big-endian bytes (Python's int.to_bytes); null beyond 6 bytes. */
export function bigEndianNumber(bytes: Uint8Array): number | null {
  if (bytes.length > 6) return null;
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  return n;
}

export function crc32Of(bytes: Uint8Array): number {
  return crc32(bytes) >>> 0;
}

export function secretHash(secretHex: string): string {
  return createHash("sha256").update(secretHex, "utf8").digest("hex");
}

import { pbkdf2, randomBytes, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

// node:crypto's async pbkdf2 runs in libuv's thread pool: a slow hash never stalls the event loop.
const pbkdf2Async = promisify(pbkdf2);

export const PASSWORD_ITERATIONS = 600_000;
export const PASSWORD_MAX_CHARS = 1024;
const SALT_BYTES = 32;
const HASH_BYTES = 32;

/** A stored hash: `pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>`, so iterations can rise later. */
export async function hashPassword(password: Uint8Array): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await pbkdf2Async(password, salt, PASSWORD_ITERATIONS, HASH_BYTES, "sha256");
  return `pbkdf2-sha256$${PASSWORD_ITERATIONS}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

export async function verifyPassword(password: Uint8Array, stored: string): Promise<boolean> {
  const [scheme, iterations, salt, hash] = stored.split("$");
  if (scheme !== "pbkdf2-sha256" || !iterations || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const actual = await pbkdf2Async(
    password,
    Buffer.from(salt, "base64"),
    Number(iterations),
    expected.length,
    "sha256",
  );
  return timingSafeEqual(actual, expected);
}

/**
 * The X-Paste-Password header's bytes. Node hands header values over as latin1, one char per byte,
 * so the original bytes (UTF-8 from a Unicode-aware client) are recovered exactly.
 */
export function passwordBytes(header: string): Buffer {
  return Buffer.from(header, "latin1");
}

/** Length in characters, as the client meant them (UTF-8), for the 1024-character bound. */
export function passwordLength(bytes: Uint8Array): number {
  return [...new TextDecoder().decode(bytes)].length;
}

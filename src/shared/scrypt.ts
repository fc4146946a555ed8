import { scrypt } from "node:crypto";
import { promisify } from "node:util";

/** scrypt on libuv's thread pool, so a memory-hard derivation never blocks the event loop. */
export const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

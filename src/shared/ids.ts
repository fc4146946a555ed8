import { randomBytes } from "node:crypto";

/** A lowercase hex id of `length` characters from the CSPRNG. */
export function randomHexId(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString("hex")
    .slice(0, length);
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A base62 id of `length` characters from the CSPRNG, unbiased (bytes ≥ 248 are drawn again). */
export function randomBase62Id(length: number): string {
  let id = "";
  while (id.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && id.length < length) id += BASE62[byte % 62];
    }
  }
  return id;
}

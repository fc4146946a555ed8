import { randomBytes } from "node:crypto";

/** A lowercase hex id of `length` characters from the CSPRNG. */
export function randomHexId(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString("hex")
    .slice(0, length);
}

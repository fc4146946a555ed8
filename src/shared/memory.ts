import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * Large pastes pass through in chunks of a megabyte, each a buffer outside the JavaScript heap that
 * dies as soon as it is written. V8 collects such buffers only once about 64 MiB of them have piled
 * up, which would double a large transfer's footprint. A young-generation collection every few
 * chunks (well under a millisecond: it only visits objects allocated since the last one) returns
 * them at once. Exposed through the documented `--expose-gc` flag, set at start.
 */
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as (options: { type: "minor" }) => void;

/** How many bytes of short-lived chunk buffers may pile up before a collection. */
const THRESHOLD = 4 * 1024 * 1024;
let sinceLast = 0;

/** Records `bytes` of chunk buffers that are garbage now or soon; collects past the threshold. */
export function chunkPassed(bytes: number): void {
  sinceLast += bytes;
  if (sinceLast < THRESHOLD) return;
  sinceLast = 0;
  collect({ type: "minor" });
}

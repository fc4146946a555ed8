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

/** A function that counts bytes of buffers garbage now or soon, and collects past `threshold`. */
function collector(threshold: number): (bytes: number) => void {
  let sinceLast = 0;
  return (bytes) => {
    sinceLast += bytes;
    if (sinceLast < threshold) return;
    sinceLast = 0;
    collect({ type: "minor" });
  };
}

/** Chunks of large pastes, in and out: a collection every 4 MiB keeps a transfer's growth small. */
export const chunkPassed = collector(4 * 1024 * 1024);

/**
 * Whole contents read at once (inline, up to 1 MiB each): without these collections, the buffers
 * piled up to V8's trigger for a full collection (about 64 MiB outside the heap), about ten a second
 * under get-raw-1m, a tenth of its time. A young collection every 32 MiB frees them first, for less
 * (one every four reads cost about as much as the full ones: measured, docs/performance.md).
 */
export const contentPassed = collector(32 * 1024 * 1024);

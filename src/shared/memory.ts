import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * Large pastes pass through in chunks of a megabyte, each a buffer outside the JavaScript heap that
 * dies as soon as it is written. V8 collects such buffers only once about 64 MiB of them have piled
 * up, which would double a large transfer's footprint. A young-generation collection every few
 * chunks (well under a millisecond: it only visits objects allocated since the last one) returns
 * them at once. Exposed through the documented `--expose-gc` flag, set at start.
 */
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as (options: { type: "minor" | "major" }) => void;

/** The heap's bytes in use (a microsecond: no /proc read). */
const held = () => getHeapStatistics().used_heap_size;

/**
 * A function that counts bytes of buffers garbage now or soon, and collects the young generation
 * past `threshold`. With `fullPast`, a full collection follows when the heap in use after the young
 * one is more than `fullPast` bytes over its lowest since the last full one. Measured on a 256 MiB
 * download from PostgreSQL (bench/large-file.ts, --trace-gc): what node-postgres allocates for each
 * piece partly survives the young collections, the heap in use climbed past 80 MiB before V8 chose
 * to collect it, and the download's peak RSS grew by +85 to +110 MiB; with this, +2 to +6 MiB for
 * 1 GiB, at one full collection per 30 to 40 MiB read (about 18 ms each: docs/performance.md).
 */
function collector(threshold: number, fullPast = Number.POSITIVE_INFINITY): (bytes: number) => void {
  let sinceLast = 0;
  let floor = 0;
  return (bytes) => {
    sinceLast += bytes;
    if (sinceLast < threshold) return;
    sinceLast = 0;
    collect({ type: "minor" });
    const now = held();
    if (now < floor) floor = now;
    else if (now - floor > fullPast) {
      collect({ type: "major" });
      floor = held();
    }
  };
}

/** Chunks of large pastes coming in: a young collection every 4 MiB. */
export const chunkStored = collector(4 * 1024 * 1024);

/**
 * Chunks of large pastes read from the store (served, or scanned once an upload completes): a young
 * collection every 4 MiB, and a full one past 32 MiB of growth. Not on the way in: there, a full
 * collection's compaction raised the peak it was to lower (docs/performance.md).
 */
export const chunkRead = collector(4 * 1024 * 1024, 32 * 1024 * 1024);

/**
 * Whole contents read at once (inline, up to 1 MiB each): without these collections, the buffers
 * piled up to V8's trigger for a full collection (about 64 MiB outside the heap), about ten a second
 * under get-raw-1m, a tenth of its time. A young collection every 32 MiB frees them first, for less
 * (one every four reads cost about as much as the full ones: measured, docs/performance.md).
 */
export const contentPassed = collector(32 * 1024 * 1024);

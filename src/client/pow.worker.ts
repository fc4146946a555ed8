/**
 * A proof-of-work search thread: takes one job by message, says which engine it runs, posts
 * progress and the solution. The same file runs as a Web Worker (the page's /static/pow-worker.js)
 * and as a Node worker thread (the CLI starts it from its own bundle), so it reaches Node only
 * through process.getBuiltinModule. The engine is WebAssembly SIMD where it compiles (Node; browsers
 * whose page policy has 'wasm-unsafe-eval'), else the scalar JavaScript search.
 */
import { type PowEngine, type PowJob, type PowMessage, searchPow } from "../protocol/pow.ts";
import { simdSearch } from "../protocol/pow-simd.ts";

/** A job may ask for the scalar engine: the benchmark measures both. */
type WorkerJob = PowJob & { readonly engine?: PowEngine };

interface Port {
  postMessage(message: PowMessage): void;
}

/** The part of node:worker_threads this needs (typed here: the file must not import Node). */
interface NodeThreads {
  readonly parentPort: (Port & { once(event: "message", listener: (job: WorkerJob) => void): void }) | null;
}

function run(job: WorkerJob, post: (message: PowMessage) => void): void {
  const simd = job.engine === "scalar" ? undefined : simdSearch();
  post({ engine: simd ? "wasm-simd" : "scalar" });
  (simd ?? searchPow)(job, post);
}

const nodeThreads =
  typeof process !== "undefined" && typeof process.getBuiltinModule === "function"
    ? (process.getBuiltinModule("node:worker_threads") as unknown as NodeThreads)
    : undefined;

if (nodeThreads?.parentPort) {
  const port = nodeThreads.parentPort;
  port.once("message", (job) => run(job, (m) => port.postMessage(m)));
} else {
  const scope = globalThis as unknown as Port & { onmessage: ((e: MessageEvent<WorkerJob>) => void) | null };
  scope.onmessage = (e) => run(e.data, (m) => scope.postMessage(m));
}

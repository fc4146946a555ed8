/** The CLI's proof-of-work solver: worker threads running src/client/pow.worker.ts. */
import os from "node:os";
import { Worker } from "node:worker_threads";
import { type PowSolver, workerPoolSolver } from "./pow-solver.ts";

/**
 * SEALBIN_POW_DEBUG=1 makes each solve say on stderr which engine ran it and on how many threads
 * (how the CLI's tests see that the WebAssembly SIMD search was taken).
 */
const reportEngine = (engine: string, threads: number) =>
  void process.stderr.write(`sealbin: proof-of-work: ${engine} search on ${threads} thread(s)\n`);

/**
 * `worker` is how to start the search thread: the bundle passes the worker's own source (built by
 * esbuild beside the CLI, started with `eval`), code run from src/ passes the file's URL.
 */
export function nodePowSolver(worker: { source: string } | { url: URL }): PowSolver {
  return workerPoolSolver(
    (job, onMessage, onError) => {
      const thread = "source" in worker ? new Worker(worker.source, { eval: true }) : new Worker(worker.url);
      thread.on("message", onMessage);
      thread.on("error", onError);
      thread.postMessage(job);
      return { terminate: () => void thread.terminate() };
    },
    os.availableParallelism(),
    process.env.SEALBIN_POW_DEBUG === "1" ? reportEngine : undefined,
  );
}

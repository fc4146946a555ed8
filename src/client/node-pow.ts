/** The CLI's proof-of-work solver: worker threads running src/client/pow.worker.ts. */
import os from "node:os";
import { Worker } from "node:worker_threads";
import { type PowSolver, workerPoolSolver } from "./pow-solver.ts";

/**
 * `worker` is how to start the search thread: the bundle passes the worker's own source (built by
 * esbuild beside the CLI, started with `eval`), code run from src/ passes the file's URL.
 */
export function nodePowSolver(worker: { source: string } | { url: URL }): PowSolver {
  return workerPoolSolver((job, onMessage, onError) => {
    const thread = "source" in worker ? new Worker(worker.source, { eval: true }) : new Worker(worker.url);
    thread.on("message", onMessage);
    thread.on("error", onError);
    thread.postMessage(job);
    return { terminate: () => void thread.terminate() };
  }, os.availableParallelism());
}

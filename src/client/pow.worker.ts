/**
 * A proof-of-work search thread: takes one job by message, posts progress and the solution. The same
 * file runs as a Web Worker (the page's /static/pow-worker.js) and as a Node worker thread (the CLI
 * starts it from its own bundle), so it reaches Node only through process.getBuiltinModule.
 */
import { type PowJob, type PowMessage, searchPow } from "../protocol/pow.ts";

interface Port {
  postMessage(message: PowMessage): void;
}

/** The part of node:worker_threads this needs (typed here: the file must not import Node). */
interface NodeThreads {
  readonly parentPort: (Port & { once(event: "message", listener: (job: PowJob) => void): void }) | null;
}

const nodeThreads =
  typeof process !== "undefined" && typeof process.getBuiltinModule === "function"
    ? (process.getBuiltinModule("node:worker_threads") as unknown as NodeThreads)
    : undefined;

if (nodeThreads?.parentPort) {
  const port = nodeThreads.parentPort;
  port.once("message", (job: PowJob) => searchPow(job, (m) => port.postMessage(m)));
} else {
  const scope = globalThis as unknown as Port & { onmessage: ((e: MessageEvent<PowJob>) => void) | null };
  scope.onmessage = (e) => searchPow(e.data, (m) => scope.postMessage(m));
}

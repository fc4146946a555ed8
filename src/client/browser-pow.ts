/**
 * The web page's proof-of-work solver: Web Workers running /static/pow-worker.js. Each solve leaves
 * a performance mark naming its engine ("sealbin-pow wasm-simd ×2"): visible in the browser's
 * performance tools, and how the tests see that the WebAssembly path was taken.
 */
import { type PowSolver, workerPoolSolver } from "./pow-solver.ts";

export function browserPowSolver(workerUrl: string): PowSolver {
  return workerPoolSolver(
    (job, onMessage, onError) => {
      const worker = new Worker(workerUrl);
      worker.onmessage = (e) => onMessage(e.data);
      worker.onerror = () => onError(new Error("the proof-of-work worker failed"));
      worker.postMessage(job);
      return { terminate: () => worker.terminate() };
    },
    navigator.hardwareConcurrency || 2,
    (engine, threads) => performance.mark(`sealbin-pow ${engine} ×${threads}`),
  );
}

/**
 * Solving a challenge on every core: workers (worker_threads in Node, Web Workers in browsers) each
 * search their share of the numbers with src/protocol/pow.ts; the first answer wins. Easy challenges
 * are solved inline.
 */
import { type PowEngine, type PowJob, type PowMessage, searchPow } from "../protocol/pow.ts";

export interface Challenge {
  readonly nonce: string;
  readonly difficulty: number;
}

export interface PowSolver {
  /**
   * Resolves with a solution; `onProgress` hears the hashes tried over the expected count, 2^difficulty:
   * it passes 1 when the search takes longer than expected (luck), so callers do not show a bar stuck
   * at 99 % but can say how far past the expectation the work is.
   */
  solve(challenge: Challenge, onProgress?: (fraction: number) => void): Promise<number>;
}

/** One running search worker. */
export interface SearchWorker {
  terminate(): void;
}

/** Starts a worker on `job`: it calls `onMessage` with the search's reports, `onError` when it fails. */
export type StartWorker = (
  job: PowJob,
  onMessage: (message: PowMessage) => void,
  onError: (error: Error) => void,
) => SearchWorker;

/** Difficulties up to this are solved on the calling thread: a few thousand hashes. */
const INLINE_DIFFICULTY = 12;

/**
 * `onEngine` hears, once a solve, how it runs: the engine the first worker reports (or "scalar" on
 * the calling thread) and the number of threads — for the CLI's SEALBIN_POW_DEBUG and the page's
 * performance mark, so that a test can tell the WebAssembly path was taken.
 */
export function workerPoolSolver(
  startWorker: StartWorker,
  threads: number,
  onEngine?: (engine: PowEngine, threads: number) => void,
): PowSolver {
  const count = Math.max(1, Math.min(8, threads));
  return {
    solve({ nonce, difficulty }, onProgress) {
      if (difficulty <= INLINE_DIFFICULTY) {
        onEngine?.("scalar", 1);
        let found = 0;
        searchPow({ nonce, difficulty, start: 0, step: 1 }, (m) => {
          if (m.solution !== undefined) found = m.solution;
        });
        return Promise.resolve(found);
      }
      const expected = 2 ** difficulty;
      let tried = 0;
      return new Promise((resolve, reject) => {
        const workers: SearchWorker[] = [];
        let done = false;
        let heard = false;
        const finish = () => {
          done = true;
          for (const w of workers) w.terminate();
        };
        for (let k = 0; k < count; k++) {
          workers.push(
            startWorker(
              { nonce, difficulty, start: k, step: count },
              (m) => {
                if (done) return;
                if (m.engine !== undefined) {
                  if (!heard) onEngine?.(m.engine, count);
                  heard = true;
                  return;
                }
                if (m.solution !== undefined) {
                  finish();
                  resolve(m.solution);
                  return;
                }
                tried += m.tried ?? 0;
                onProgress?.(tried / expected);
              },
              (error) => {
                if (done) return;
                finish();
                reject(error);
              },
            ),
          );
        }
      });
    },
  };
}

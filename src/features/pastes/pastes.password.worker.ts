/**
 * The password-hashing thread (see pastes.password.ts): PBKDF2 one request at a time, at the lowest
 * scheduling priority, so that hashing never takes the CPU from the thread that serves requests. It is
 * handed one job at a time, so the order of jobs is the request thread's (each client in turn).
 */
import { pbkdf2Sync } from "node:crypto";
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";

export interface HashJob {
  readonly id: number;
  readonly password: Uint8Array;
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly length: number;
}

/** Linux schedules threads one by one: this thread's own id, from /proc/thread-self. */
function lowerThisThreadsPriority(): number | undefined {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    setPriority(tid, 19);
    return tid;
  } catch {
    return undefined; // not Linux, or not allowed: hashing still works, at normal priority
  }
}

const tid = lowerThisThreadsPriority();
parentPort?.postMessage({ ready: true, tid });
parentPort?.on("message", (job: HashJob) => {
  try {
    const hash = pbkdf2Sync(job.password, job.salt, job.iterations, job.length, "sha256");
    parentPort?.postMessage({ id: job.id, hash });
  } catch (err) {
    parentPort?.postMessage({ id: job.id, error: String(err) });
  }
});

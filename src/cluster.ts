import cluster, { type Worker } from "node:cluster";
import pino from "pino";
import type { Config } from "./config/config.ts";

const RESTART_MIN_MS = 250;
const RESTART_MAX_MS = 30_000;
const HEALTHY_LIFETIME_MS = 60_000;

/**
 * The primary process of SEALBIN_WORKERS=N: it forks N servers that share the listening port
 * (node:cluster hands connections out in turn), restarts one that dies, and passes SIGTERM/SIGINT
 * (graceful shutdown) and SIGHUP (TLS reload) on to them. It exits once every worker has after a
 * signal, and never because workers died.
 */
export function runPrimary(config: Config): void {
  // Synchronous: the primary's last line must be written before it exits.
  const log = pino({ level: config.logLevel }, pino.destination({ sync: true }));
  let stopping = false;
  // Counted here: whether cluster.workers still lists a worker in its "exit" event is not defined.
  let alive = 0;
  // Each of the N slots restarts its worker with a back-off while workers keep dying soon after
  // they start (a full disk, a database that refuses): 0.25 s, then half as long again each time,
  // up to 30 s. A worker that lived a minute resets its slot. The primary never gives up: whatever
  // killed the workers, the server comes back once it is gone.
  const delays: number[] = Array.from({ length: config.workers }, () => RESTART_MIN_MS);
  const slots = new Map<Worker, { slot: number; startedAt: number }>();
  const fork = (slot: number) => {
    if (stopping) return;
    alive++;
    slots.set(cluster.fork(), { slot, startedAt: Date.now() });
  };

  cluster.on("exit", (worker: Worker, code, signal) => {
    alive--;
    const { slot = 0, startedAt = 0 } = slots.get(worker) ?? {};
    slots.delete(worker);
    if (stopping) {
      if (alive === 0) {
        log.info("all workers stopped");
        process.exit(0);
      }
      return;
    }
    if (Date.now() - startedAt >= HEALTHY_LIFETIME_MS) delays[slot] = RESTART_MIN_MS;
    const delay = delays[slot] ?? RESTART_MIN_MS;
    log.error(
      { workerPid: worker.process.pid, code, signal, restartInMs: delay },
      "worker died: starting another",
    );
    setTimeout(() => fork(slot), delay);
    delays[slot] = Math.min(Math.round(delay * 1.5), RESTART_MAX_MS);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: config.workers }, "shutting down the workers");
    if (alive === 0) {
      log.info("all workers stopped");
      process.exit(0);
    }
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGHUP", () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGHUP");
  });

  log.info({ workers: config.workers }, "starting workers");
  for (let slot = 0; slot < config.workers; slot++) fork(slot);
}

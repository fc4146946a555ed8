import cluster, { type Worker } from "node:cluster";
import pino from "pino";
import type { Config } from "./config/config.ts";

/**
 * The primary process of SEALBIN_WORKERS=N: it forks N servers that share the listening port
 * (node:cluster hands connections out in turn), restarts one that dies, and passes SIGTERM/SIGINT
 * (graceful shutdown) and SIGHUP (TLS reload) on to them. It exits once every worker has.
 */
export function runPrimary(config: Config): void {
  // Synchronous: the primary's last line must be written before it exits.
  const log = pino({ level: config.logLevel }, pino.destination({ sync: true }));
  let stopping = false;
  // Counted here: whether cluster.workers still lists a worker in its "exit" event is not defined.
  let alive = 0;
  const recentDeaths: number[] = [];
  const fork = () => {
    if (stopping) return;
    alive++;
    cluster.fork();
  };

  cluster.on("exit", (worker: Worker, code, signal) => {
    alive--;
    if (stopping) {
      if (alive === 0) {
        log.info("all workers stopped");
        process.exit(0);
      }
      return;
    }
    log.error({ workerPid: worker.process.pid, code, signal }, "worker died: starting another");
    // No crash loop: a worker dying right after start again and again stops the server.
    const now = Date.now();
    recentDeaths.push(now);
    while (recentDeaths.length > 0 && (recentDeaths[0] ?? 0) < now - 60_000) recentDeaths.shift();
    if (recentDeaths.length > 5 * config.workers) {
      log.fatal("workers keep dying: stopping");
      process.exit(1);
    }
    setTimeout(fork, 500);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: config.workers }, "shutting down the workers");
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGHUP", () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGHUP");
  });

  log.info({ workers: config.workers }, "starting workers");
  for (let i = 0; i < config.workers; i++) fork();
}

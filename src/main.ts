import cluster from "node:cluster";
import { createServer } from "node:net";
import { buildApp } from "./app.ts";
import { runPrimary } from "./cluster.ts";
import { ConfigError, type Env, loadConfig, unknownVariables, withEnvFile } from "./config/config.ts";
import { sweepExpired } from "./features/ops/sweep.usecases.ts";
import { tlsEnabled } from "./http/tls.ts";
import { systemClock } from "./shared/clock.ts";
import { openStore } from "./store/store.ts";

/** Composition root: config → store → app → listen, with a periodic sweep and a graceful close. */
export async function main(processEnv: Env = process.env): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  let envFile = false;
  try {
    const { env, read } = withEnvFile(processEnv);
    envFile = read;
    // Once, not again in every worker of SEALBIN_WORKERS.
    if (cluster.isPrimary) {
      for (const warning of unknownVariables(env))
        process.stderr.write(`sealbin-server: warning: ${warning}\n`);
    }
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return exitWith(err.message);
  }

  if (config.workers > 1 && cluster.isPrimary) {
    // The workers listen; a port they cannot have would only make them die and be restarted forever.
    try {
      await probeListen(config.host, config.port);
    } catch (err) {
      const problem = listenProblem(err, config.host, config.port);
      if (problem === undefined) throw err;
      return exitWith(problem);
    }
    runPrimary(config);
    return;
  }

  const store = openStore(config);
  const clock = systemClock;
  const app = await buildApp({ config, store, clock });

  const sweep = async () => {
    try {
      const deleted = await sweepExpired({ store, clock, config, events: app.webhooks.events });
      app.metrics.paste("expired", deleted.pastes);
      if (Object.values(deleted).some((n) => n > 0)) app.log.info(deleted, "expired records removed");
    } catch (err) {
      app.log.error({ err }, "expiry sweep failed");
    }
  };
  const timer = config.cleanupInterval > 0 ? setInterval(sweep, config.cleanupInterval * 1000) : undefined;
  timer?.unref();

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, "shutting down: finishing in-flight requests");
    clearInterval(timer);
    try {
      await app.close();
      await store.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, "shutdown failed");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  if (tlsEnabled(config)) {
    // Certificate renewal without a restart: replace the files, then `kill -HUP`.
    process.on("SIGHUP", () => {
      app.reloadTls().then(
        () => app.log.info("TLS certificate, key and client CA reloaded"),
        (err: unknown) => app.log.error({ err }, "TLS reload failed; keeping the previous credentials"),
      );
    });
  }

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    const problem = listenProblem(err, config.host, config.port);
    if (problem === undefined) throw err;
    clearInterval(timer);
    await app.close().catch(() => {});
    await store.close().catch(() => {});
    return exitWith(problem);
  }
  if (envFile) app.log.info("settings read from ./.env (variables of the environment win)");
  void sweep();
}

/** Start-up refused for a reason the operator can fix: one line, exit code 2, no stack trace. */
function exitWith(message: string): never {
  process.stderr.write(`sealbin-server: ${message}\n`);
  process.exit(2);
}

/** The line for an address sealbin cannot listen on (SEALBIN_HOST, SEALBIN_PORT), or undefined. */
function listenProblem(err: unknown, host: string, port: number): string | undefined {
  const address = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  switch ((err as NodeJS.ErrnoException | undefined)?.code) {
    case "EADDRINUSE":
      return `port ${port} is in use; set SEALBIN_PORT (or stop what listens on ${address})`;
    case "EACCES":
      return port < 1024
        ? `port ${port} is privileged (below 1024) and this process may not listen on it; set SEALBIN_PORT to 1024 or above, or grant the process CAP_NET_BIND_SERVICE`
        : `not allowed to listen on ${address}; set SEALBIN_HOST or SEALBIN_PORT`;
    case "EADDRNOTAVAIL":
      return `${host} is not an address of this machine; set SEALBIN_HOST (127.0.0.1, 0.0.0.0, :: or one of this machine's addresses)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_FAIL":
      return `host name ${JSON.stringify(host)} does not resolve; set SEALBIN_HOST to an address of this machine`;
    default:
      return undefined;
  }
}

/** Listens on the address once and lets it go: whether the workers will be able to. */
function probeListen(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}

import cluster from "node:cluster";
import { buildApp } from "./app.ts";
import { runPrimary } from "./cluster.ts";
import { ConfigError, type Env, loadConfig } from "./config/config.ts";
import { sweepExpired } from "./features/ops/sweep.usecases.ts";
import { tlsEnabled } from "./http/tls.ts";
import { systemClock } from "./shared/clock.ts";
import { openStore } from "./store/store.ts";

/** Composition root: config → store → app → listen, with a periodic sweep and a graceful close. */
export async function main(env: Env = process.env): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`sealbin-server: ${err.message}\n`);
    process.exit(2);
  }

  if (config.workers > 1 && cluster.isPrimary) {
    runPrimary(config);
    return;
  }

  const store = openStore(config);
  const clock = systemClock;
  const app = await buildApp({ config, store, clock });

  const sweep = async () => {
    try {
      const deleted = await sweepExpired({ store, clock });
      app.metrics.paste("expired", deleted.pastes);
      if (deleted.pastes + deleted.blobs + deleted.shortUrls + deleted.ephemera > 0)
        app.log.info(deleted, "expired records removed");
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

  await app.listen({ host: config.host, port: config.port });
  void sweep();
}

import { postgresBinDir, startCluster } from "../../scripts/pg-cluster.ts";

/**
 * Runs `measure` on SQLite, then on a throwaway PostgreSQL cluster (scripts/pg-cluster.ts) when
 * PostgreSQL is installed; the results in that order. `env` is the server's backend setting.
 */
export async function onEachBackend<T>(
  measure: (backend: string, env: Record<string, string>) => Promise<T>,
): Promise<T[]> {
  const results = [await measure("sqlite", {})];
  if (!postgresBinDir()) {
    console.log("(PostgreSQL not installed: its row is skipped)");
    return results;
  }
  const cluster = await startCluster();
  try {
    results.push(await measure("postgres", { SEALBIN_DATABASE_URL: cluster.url }));
  } finally {
    cluster.stop();
  }
  return results;
}

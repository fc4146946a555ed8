/**
 * Which database a test server uses. Under `npm test`'s PostgreSQL pass, SEALBIN_TEST_DATABASE_URL
 * points at a throwaway cluster, and each SQLite path a test would use maps to a database of its own
 * there (the same path, the same database: several processes of one test share it).
 */

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { resolve } from "node:path";

const created = new Set<string>();

export function postgresUnderTest(): string | undefined {
  return process.env.SEALBIN_TEST_DATABASE_URL || undefined;
}

/** The PostgreSQL URL standing in for the SQLite file `dbPath`, creating that database once. */
export function databaseFor(dbPath: string): string {
  const admin = postgresUnderTest();
  if (!admin) throw new Error("not under the PostgreSQL pass");
  const name = `t_${createHash("sha1").update(dbPath).digest("hex").slice(0, 24)}`;
  if (!created.has(name)) {
    const result = spawnSync("psql", [admin, "-v", "ON_ERROR_STOP=1", "-qc", `CREATE DATABASE ${name}`], {
      encoding: "utf8",
    });
    if (result.status !== 0 && !/already exists/.test(result.stderr)) {
      throw new Error(`CREATE DATABASE ${name}: ${result.stderr}`);
    }
    created.add(name);
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.href;
}

/**
 * A server process's environment: on the PostgreSQL pass, its SQLite file (SEALBIN_DB, or the default
 * ./data/sealbin.db under `cwd`) becomes a database URL.
 */
export function backendEnv(env: Record<string, string>, cwd = process.cwd()): Record<string, string> {
  // A test that names its backend (SEALBIN_DATABASE_URL, even empty for SQLite) keeps it.
  if (!postgresUnderTest() || "SEALBIN_DATABASE_URL" in env) return env;
  return { ...env, SEALBIN_DATABASE_URL: databaseFor(resolve(cwd, env.SEALBIN_DB ?? "data/sealbin.db")) };
}

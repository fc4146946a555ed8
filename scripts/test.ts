/**
 * `npm test`: first the system tools the selected tests need (scripts/system-deps.ts: installed as
 * root with apt-get, else exit 2 with the command to run, before any test) and a fresh build of the
 * clients (scripts/build.ts); then the whole suite
 * twice, on SQLite and on PostgreSQL (a throwaway server started here, scripts/pg-cluster.ts), then a
 * scan of every log line the suite's servers wrote for credentials and paste contents
 * (scripts/log-scan.ts). Any failure fails the run. SEALBIN_TEST_BACKENDS=sqlite runs the SQLite pass
 * alone (on a machine without PostgreSQL); extra arguments select test files.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkContract } from "./contract.ts";
import { problemsIn } from "./log-scan.ts";
import { startCluster } from "./pg-cluster.ts";
import { ensureSystemDeps } from "./system-deps.ts";

const files =
  process.argv.length > 2
    ? process.argv.slice(2)
    : ["src/**/*.test.ts", "test/**/*.test.ts", "scripts/**/*.test.ts"];
const args = ["--test", "--test-concurrency=2", "--test-timeout=120000", ...files];
const backends = (process.env.SEALBIN_TEST_BACKENDS ?? "sqlite,postgres").split(",").map((b) => b.trim());
for (const backend of backends) {
  if (backend !== "sqlite" && backend !== "postgres") {
    console.error(`unknown backend ${backend}: sqlite or postgres`);
    process.exit(2);
  }
}
ensureSystemDeps({ backends, files });
// The clients under test are built from the sources as they are now (scripts/build.ts).
const built = spawnSync(process.execPath, [join(import.meta.dirname, "build.ts")], { stdio: "inherit" });
if (built.status !== 0) process.exit(built.status ?? 1);
const logDir = mkdtempSync(join(tmpdir(), "sealbin-test-logs-"));
const contractDir = mkdtempSync(join(tmpdir(), "sealbin-test-contract-"));
const failed: string[] = [];

for (const backend of backends) {
  console.log(`\n# ${backend} pass\n`);
  const env: Record<string, string | undefined> = {
    ...process.env,
    SEALBIN_TEST_LOG_DIR: logDir,
    SEALBIN_TEST_CONTRACT_DIR: contractDir,
  };
  let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
  if (backend === "postgres") {
    cluster = await startCluster();
    env.SEALBIN_TEST_DATABASE_URL = cluster.url;
  }
  try {
    const run = spawnSync(process.execPath, args, { stdio: "inherit", env });
    if (run.status !== 0) failed.push(backend);
  } finally {
    cluster?.stop();
  }
}

let lines = 0;
const found: string[] = [];
for (const file of readdirSync(logDir)) {
  for (const line of readFileSync(join(logDir, file), "utf8").split("\n")) {
    if (line === "") continue;
    lines++;
    const problems = problemsIn(line);
    if (problems.length > 0) found.push(`${file}: ${problems.join(", ")}: ${line.slice(0, 300)}`);
  }
}
rmSync(logDir, { recursive: true, force: true });
if (found.length > 0) {
  console.error(
    `\nlog scan: ${found.length} of ${lines} log lines carry what no log may:\n${found.slice(0, 20).join("\n")}`,
  );
  process.exit(1);
}
console.log(`\nlog scan: ${lines} log lines from the suite's servers, none with a secret or paste content`);

// The contract: every response against /openapi.json; with the whole suite, every operation called.
const wholeSuite = process.argv.length <= 2;
const contract = await checkContract(contractDir, { coverage: wholeSuite });
rmSync(contractDir, { recursive: true, force: true });
if (contract.problems.length > 0) {
  console.error(
    `\ncontract: ${contract.problems.length} problems in ${contract.checked} responses:\n${contract.problems.slice(0, 60).join("\n")}`,
  );
  process.exit(1);
}
console.log(
  `contract: ${contract.checked} responses as /openapi.json describes them${wholeSuite ? ", every operation called" : ""}`,
);
if (failed.length > 0) {
  console.error(`\nfailed on: ${failed.join(", ")}`);
  process.exit(1);
}
console.log(`\npassed on: ${backends.join(", ")}`);

/**
 * `npm test`: the whole suite (node --test), then a scan of every log line the suite's servers wrote
 * for credentials and paste contents (scripts/log-scan.ts). Either failing fails the run.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { problemsIn } from "./log-scan.ts";

const logDir = mkdtempSync(join(tmpdir(), "sealbin-test-logs-"));
const args = [
  "--test",
  "--test-concurrency=2",
  "--test-timeout=120000",
  ...(process.argv.length > 2
    ? process.argv.slice(2)
    : ["src/**/*.test.ts", "test/**/*.test.ts", "scripts/**/*.test.ts"]),
];
const run = spawnSync(process.execPath, args, {
  stdio: "inherit",
  env: { ...process.env, SEALBIN_TEST_LOG_DIR: logDir },
});

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
process.exit(run.status ?? 1);

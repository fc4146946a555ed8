/**
 * `npm run bench [-- NAME…]`: runs the benchmarks in bench/ (all, or the named ones), each in its own
 * process. Figures are ratios against a baseline measured in the same run; see docs/ for results.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const all = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .map((f) => f.replace(/\.ts$/, ""));
const wanted = process.argv.slice(2);
const chosen = wanted.length > 0 ? all.filter((b) => wanted.some((w) => b.startsWith(w))) : all;
if (chosen.length === 0) {
  console.error(`no benchmark matches ${wanted.join(" ")}; there are: ${all.join(", ")}`);
  process.exit(2);
}
let failed = 0;
for (const name of chosen) {
  console.log(`\n## ${name}\n`);
  const run = spawnSync(process.execPath, [`${dir}${name}.ts`], { stdio: "inherit" });
  if (run.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);

/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof): self time per function and per file, top N.
 * Run: node bench/lib/profile-top.ts FILE.cpuprofile [N]
 */
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const profile = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
};
const top = Number(process.argv[3] ?? 30);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
for (const [i, id] of profile.samples.entries())
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
// Idle time is left out: the figures are shares of the time the process was busy.
for (const [id] of self) if (byId.get(id)?.callFrame.functionName === "(idle)") self.delete(id);
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fns = new Map<string, number>();
const files = new Map<string, number>();
for (const [id, t] of self) {
  const f = byId.get(id)?.callFrame;
  if (!f) continue;
  const file = f.url.replace(/^file:\/\/.*?\/(node_modules|src)\//, "$1/") || "(native)";
  const key = `${f.functionName || "(anonymous)"}  ${file}:${f.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + t);
  const pkg = /^node_modules\/((@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file.split(":")[0] ?? file;
  files.set(pkg, (files.get(pkg) ?? 0) + t);
}
const pct = (t: number) => `${((100 * t) / total).toFixed(1)}%`.padStart(6);
console.log("self time by function:");
for (const [k, t] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${k}`);
console.log("\nself time by file or package:");
for (const [k, t] of [...files].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${k}`);

// Inclusive ("total") time of each function: the samples with that function anywhere on the stack.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map<string, number>();
for (const [id, t] of self) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const f = byId.get(at)?.callFrame;
    if (!f) continue;
    const file = f.url.replace(/^file:\/\/.*?\/(node_modules|src)\//, "$1/") || "(native)";
    const key = `${f.functionName || "(anonymous)"}  ${file}:${f.lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + t);
  }
}
console.log("\ntotal time (self and callees) by function:");
for (const [k, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${k}`);

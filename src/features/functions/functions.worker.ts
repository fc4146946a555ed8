// The worker thread that runs function modules (see ModuleRunner): it imports each module once and
// answers {id, name} messages with {id, ok, value} or {id, ok: false, error}.
import { parentPort, workerData } from "node:worker_threads";

type Entry = () => unknown;
const entries = new Map<string, Promise<Entry>>();

for (const [name, url] of (workerData as { modules: [string, string][] }).modules) {
  const loaded = import(url).then((mod: Record<string, unknown>) => {
    const entry = mod.entry_call ?? mod.entryCall;
    if (typeof entry !== "function") throw new Error("the module exports no entry_call() or entryCall()");
    return entry as Entry;
  });
  // A module that fails to load fails its calls, not the worker.
  loaded.catch(() => undefined);
  entries.set(name, loaded);
}

parentPort?.on("message", async ({ id, name }: { id: number; name: string }) => {
  try {
    const entry = await entries.get(name);
    if (!entry) throw new Error("unknown function");
    parentPort?.postMessage({ id, ok: true, value: await entry() });
  } catch (err) {
    parentPort?.postMessage({ id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Log } from "../../shared/logger.ts";

const EXTENSIONS = [".js", ".mjs", ".cjs", ".ts", ".mts"];
const NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * Reads the original's modules.ini: a `[Modules]` section of `function_name=module-name` lines; each
 * module is a file of that name (with a JavaScript or TypeScript extension) in the ini file's folder.
 * Returns function name → file URL; problems are logged and the entry skipped, as the original does.
 */
export function readModulesIni(file: string, log: Log): Map<string, string> {
  const modules = new Map<string, string>();
  if (!existsSync(file)) {
    log.warn({ file }, "function modules file not found: no function can be called");
    return modules;
  }
  const folder = dirname(resolve(file));
  let section = "";
  for (const raw of readFileSync(file, "utf8").split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]?.trim() ?? "";
      continue;
    }
    if (section !== "Modules") continue;
    const eq = line.search(/[=:]/);
    const name = line.slice(0, eq).trim();
    const moduleName = line.slice(eq + 1).trim();
    if (eq < 0 || !NAME.test(name) || !NAME.test(moduleName) || moduleName.includes("..")) {
      log.warn({ line: raw.slice(0, 200) }, "function modules file: line skipped");
      continue;
    }
    const path = EXTENSIONS.map((ext) => join(folder, `${moduleName}${ext}`)).find((p) => existsSync(p));
    if (!path) {
      log.warn({ function: name, module: moduleName }, "function module not found: skipped");
      continue;
    }
    modules.set(name, pathToFileURL(path).href);
  }
  return modules;
}

interface Pending {
  resolve(value: string): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Runs function modules in a worker thread, so that a module that throws, rejects, loops forever or
 * crashes costs one call, never the server: each call has a deadline, after which the worker is
 * terminated (its other calls fail too) and a fresh one is started for the next call.
 */
export class ModuleRunner {
  private readonly modules: Map<string, string>;
  private readonly timeoutMs: number;
  private readonly log: Log;
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(modules: Map<string, string>, timeoutMs: number, log: Log) {
    this.modules = modules;
    this.timeoutMs = timeoutMs;
    this.log = log;
  }

  has(name: string): boolean {
    return this.modules.has(name);
  }

  private start(): Worker {
    const worker = new Worker(new URL("./functions.worker.ts", import.meta.url), {
      workerData: { modules: [...this.modules] },
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    worker.unref();
    worker.on("message", (msg: { id: number; ok: boolean; value?: unknown; error?: string }) => {
      const call = this.pending.get(msg.id);
      if (!call) return;
      this.pending.delete(msg.id);
      clearTimeout(call.timer);
      if (!msg.ok) call.reject(new Error(msg.error ?? "failed"));
      else if (typeof msg.value !== "string")
        call.reject(new Error(`returned ${typeof msg.value}, not a string`));
      else call.resolve(msg.value);
    });
    worker.on("error", (err) => this.fail(worker, `worker crashed: ${err.message}`));
    worker.on("exit", () => this.fail(worker, "worker exited"));
    return worker;
  }

  /** Rejects every call in flight on `worker` and forgets it. */
  private fail(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    void worker.terminate();
    for (const [id, call] of this.pending) {
      clearTimeout(call.timer);
      call.reject(new Error(why));
      this.pending.delete(id);
    }
  }

  call(name: string): Promise<string> {
    const url = this.modules.get(name);
    if (!url) return Promise.reject(new Error("unknown function"));
    this.worker ??= this.start();
    const worker = this.worker;
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.log.error(
          { function: name, timeoutMs: this.timeoutMs },
          "function module timed out: restarting its worker",
        );
        this.pending.delete(id);
        reject(new Error("timed out"));
        this.fail(worker, "worker restarted after a timeout");
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, name });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (worker) this.fail(worker, "shutting down");
  }
}

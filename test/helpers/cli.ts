import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CLI_BIN = fileURLToPath(new URL("../../dist/sealbin.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** A home of its own for each CLI user: XDG_CONFIG_HOME in a fresh directory, no SEALBIN_* leaking in. */
export function cliHome(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), "sealbin-cli-"));
  return { dir, env: { HOME: dir, XDG_CONFIG_HOME: join(dir, "config"), PATH: process.env.PATH ?? "" } };
}

/**
 * Runs the CLI as its users do: a separate process, arguments, standard input, exit code. Asynchronous,
 * so a server running in the test's own process keeps answering.
 */
export function runCli(
  args: string[],
  options: {
    env: Record<string, string>;
    input?: string | Buffer;
    node?: string;
    bin?: string;
    cwd?: string;
    /** Arguments after `args` (for a wrapper such as `script` given as node and bin). */
    args?: string[];
  },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      options.node ?? process.execPath,
      [options.bin ?? CLI_BIN, ...args, ...(options.args ?? [])],
      {
        env: options.env,
        cwd: options.cwd ?? options.env.HOME,
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    const out: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
    child.stdin.end(options.input ?? "");
  });
}

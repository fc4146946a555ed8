import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CLI_BIN = fileURLToPath(new URL("../../dist/sealbin.js", import.meta.url));

/**
 * The Node.js that runs the CLI: this one, or SEALBIN_TEST_CLI_NODE (e.g. /usr/bin/node, the oldest
 * version the bundle supports) to run the CLI's tests on another.
 */
export const CLI_NODE = process.env.SEALBIN_TEST_CLI_NODE || process.execPath;

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
      options.node ?? CLI_NODE,
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

/** A word for a POSIX shell, quoted. */
export const shellQuote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/** The shell command that runs the built CLI with `args`. */
export const cliCommand = (args: readonly string[]): string =>
  [CLI_NODE, CLI_BIN, ...args].map(shellQuote).join(" ");

export interface TerminalResult {
  code: number | null;
  /** What the terminal showed (standard output and standard error, with the terminal's \r\n). */
  output: string;
}

/**
 * Runs a shell command under a pseudo-terminal (`script`, util-linux), as a user's shell would: the
 * command's standard input, output and error are the terminal unless it redirects them. `answers`
 * are typed, in order, each once the terminal shows what it waits for.
 */
export function runInTerminal(
  command: string,
  options: {
    env: Record<string, string>;
    cwd?: string;
    answers?: readonly { readonly when: RegExp; readonly send: string }[];
  },
): Promise<TerminalResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      env: { TERM: "xterm", ...options.env },
      cwd: options.cwd ?? options.env.HOME,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const answers = [...(options.answers ?? [])];
    let output = "";
    let seen = 0;
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
      const next = answers[0];
      if (next?.when.test(output.slice(seen))) {
        answers.shift();
        seen = output.length;
        // A moment for the program to read what it asked for, as a person would take.
        setTimeout(() => child.stdin.write(next.send), 50);
      }
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/**
 * A CLI user of its own identified by a client-certificate fingerprint (loopback is an identity
 * proxy in the test servers), with a state directory in its home, against the server `url()` names.
 */
export function identifiedCli(url: () => string, fingerprint: string) {
  const home = cliHome();
  const env = () => ({
    ...home.env,
    SEALBIN_SERVER: url(),
    SEALBIN_CERT_SHA1: fingerprint,
    XDG_STATE_HOME: join(home.dir, "state"),
  });
  const cli = (args: string[]) => runCli(args, { env: env(), cwd: home.dir });
  return { home, env, cli };
}

/** What the CLI prints: results on standard output, everything else (progress, notes) on standard error. */
import type { Progress } from "../client/client.ts";

const PROGRESS_MIN_BYTES = 1024 * 1024;

/** A line for the user on standard error. */
export const info = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Writes a result to standard output, resolving once it is handed over. */
export function out(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(data, (err) => (err ? reject(err) : resolve()));
  });
}

const mib = (n: number) => (n / 1048576).toFixed(1);

/**
 * A progress reporter for a terminal: a bar for transfers of 1 MiB and more, the share of the
 * expected proof-of-work after a second of solving; nothing when standard error is not a terminal.
 */
export function terminalProgress(label: string): (p: Progress) => void {
  const started = Date.now();
  let shown = false;
  let transferring = false;
  const write = (line: string) => {
    shown = true;
    process.stderr.write(`\r\x1b[K${line}`);
  };
  return (p) => {
    if (!process.stderr.isTTY) return;
    if (p.phase !== "pow" && shown && !transferring) {
      // The work is done and the request goes out: the proof-of-work line gives way.
      process.stderr.write("\r\x1b[K");
      shown = false;
    }
    if (p.phase === "pow") {
      if (Date.now() - started > 1000) {
        write(
          `proof-of-work (difficulty ${p.difficulty}): ${Math.floor(100 * p.fraction)}% of the expected work`,
        );
      }
      return;
    }
    if (p.total < PROGRESS_MIN_BYTES) return;
    transferring = true;
    const width = 30;
    const filled = Math.min(width, Math.round((width * p.done) / p.total));
    write(`${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${mib(p.done)}/${mib(p.total)} MiB`);
    if (p.done >= p.total && shown) {
      process.stderr.write("\r\x1b[K");
      shown = false;
      transferring = false;
    }
  };
}

/** A Unix time as ISO 8601 to the second, "-" when absent. */
export const date = (seconds: unknown): string =>
  typeof seconds === "number" ? new Date(seconds * 1000).toISOString().replace(".000Z", "Z") : "-";

export function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1048576).toFixed(1)} MiB`;
}

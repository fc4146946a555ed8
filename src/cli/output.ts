/**
 * What the CLI prints: results on standard output, everything else (progress, notes, errors) on
 * standard error. Colour only on a terminal, and never with NO_COLOR set (https://no-color.org).
 */

/** Whether `stream` is a terminal that may be coloured. */
export function colourful(stream: { isTTY?: boolean } = process.stderr): boolean {
  return stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

const paint = (code: string, text: string) => (colourful() ? `\x1b[${code}m${text}\x1b[0m` : text);

/** A line for the user on standard error. */
export const info = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** A warning on standard error: `sealbin: warning: …`, yellow on a terminal. */
export const warn = (line: string): void => {
  process.stderr.write(`${paint("33", "sealbin: warning:")} ${line}\n`);
};

/** A failure and what to do next, on standard error: red `sealbin:` and `hint:` lines. */
export function printFailure(message: string, hints: readonly string[] = []): void {
  let text = `${paint("1;31", "sealbin:")} ${message}\n`;
  for (const hint of hints) text += `${paint("36", "hint:")} ${hint}\n`;
  process.stderr.write(text);
}

/** Standard output was closed by its reader (`sealbin get … | head`): nothing is wrong, stop quietly. */
export function isClosedPipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === "EPIPE";
}

/** Writes a result to standard output, resolving once it is handed over; a closed pipe ends the run. */
export function out(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(data, (err) => {
      if (isClosedPipe(err)) process.exit(0);
      if (err) reject(err);
      else resolve();
    });
  });
}

/** Rows under a header, each column as wide as its widest cell, two spaces apart (the last unpadded). */
export function columns(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(head), ...rows.map(line)].join("\n");
}

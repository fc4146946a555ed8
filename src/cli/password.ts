/**
 * What the CLI asks a person at a terminal: a password (never echoed) and yes-or-no questions. Only
 * when standard input and standard error are both terminals; a script gets a message naming the
 * option to use instead.
 */
import { CliError } from "./command.ts";

/** Whether there is a person to ask: a terminal to read from and one to ask on. */
export const canAsk = (): boolean => process.stdin.isTTY === true && process.stderr.isTTY === true;

/**
 * Reads one line typed on the terminal, in raw mode; hidden (no echo) unless `echo`. Listens for
 * data rather than iterating, so that standard input stays open for the next question.
 */
function readLine(prompt: string, echo: boolean): Promise<string> {
  const stdin = process.stdin;
  // Raw (no echo) before the prompt shows: whatever is typed after it is never echoed.
  stdin.setRawMode(true);
  process.stderr.write(prompt);
  return new Promise<string>((resolve, reject) => {
    let line = "";
    const finish = (result: { line: string } | { error: Error }) => {
      stdin.off("data", onData);
      stdin.off("end", onEnd);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      if ("line" in result) resolve(result.line);
      else reject(result.error);
    };
    const onEnd = () => finish({ line });
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n") return finish({ line });
        if (ch === "\u0003" || ch === "\u0004") return finish({ error: new CliError(2, "cancelled") });
        if (ch === "\u007f" || ch === "\b") {
          if (echo && line.length > 0) process.stderr.write("\b \b");
          line = line.slice(0, -1);
        } else if (ch >= " ") {
          line += ch;
          if (echo) process.stderr.write(ch);
        }
      }
    };
    stdin.on("data", onData);
    stdin.once("end", onEnd);
    stdin.resume();
  });
}

/** A password typed on the terminal, not echoed. */
export const promptHidden = (prompt: string): Promise<string> => readLine(prompt, false);

/** Asks a yes-or-no question on the terminal; anything but y or yes is no. */
export async function confirm(question: string): Promise<boolean> {
  const answer = await readLine(`${question} [y/N] `, true);
  return /^y(es)?$/i.test(answer.trim());
}

/** An account password: from standard input, SEALBIN_PASSWORD, or typed on a terminal unechoed. */
export async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const line = Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
    if (line === "") throw new CliError(2, "no password on standard input");
    return line;
  }
  if (process.env.SEALBIN_PASSWORD) return process.env.SEALBIN_PASSWORD;
  if (!process.stdin.isTTY)
    throw new CliError(2, "no password: use --password-stdin, SEALBIN_PASSWORD or a terminal");
  return promptHidden("password: ");
}

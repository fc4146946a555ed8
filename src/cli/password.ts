/** An account password: from standard input, SEALBIN_PASSWORD, or typed on a terminal unechoed. */
import { CliError } from "./command.ts";

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
  process.stderr.write("password: ");
  process.stdin.setRawMode(true);
  let password = "";
  try {
    for await (const chunk of process.stdin) {
      for (const ch of (chunk as Buffer).toString("utf8")) {
        if (ch === "\r" || ch === "\n") return password;
        if (ch === "\u0003") throw new CliError(2, "cancelled");
        if (ch === "\u007f") password = password.slice(0, -1);
        else password += ch;
      }
    }
    return password;
  } finally {
    process.stdin.setRawMode(false);
    process.stdin.pause();
    process.stderr.write("\n");
  }
}

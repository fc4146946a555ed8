/** The server's limits as the CLI checks them before any work: expiry and size, from GET /. */
import type { SealbinClient } from "../client/client.ts";
import { ClientError } from "../client/errors.ts";
import { type PasteLimits, pasteLimits } from "../client/pastes.ts";
import { CliError, str, type Values } from "./command.ts";
import { formatDuration, parseDuration } from "./units.ts";

/** -x/--expiry in seconds ("3600", "30m", "1h", "7d"…), or undefined; exit 2 when it is not one. */
export function expiryOption(v: Values): number | undefined {
  const text = str(v, "expiry");
  if (text === undefined) return undefined;
  const parsed = parseDuration(text);
  if ("error" in parsed) throw new CliError(2, `--expiry ${text} ${parsed.error}`);
  return parsed.seconds;
}

/**
 * The limits GET / states, or undefined when the server states none (or answers GET / with a
 * refusal: the write itself will say what the server thinks). Unreachable: the error stands.
 */
export async function serverLimits(client: SealbinClient): Promise<PasteLimits | undefined> {
  try {
    return await pasteLimits(client);
  } catch (err) {
    if (err instanceof ClientError && err.kind !== "unreachable") return undefined;
    throw err;
  }
}

/** Exit 1 when `seconds` is more than the server allows (it would shorten it without a word). */
export function checkExpiry(
  seconds: number | undefined,
  text: string | undefined,
  limits: PasteLimits | undefined,
) {
  if (seconds === undefined || limits?.maxExpiry === undefined || seconds <= limits.maxExpiry) return;
  throw new CliError(
    1,
    `--expiry ${text} is too long: at most ${formatDuration(limits.maxExpiry)} on this server`,
  );
}

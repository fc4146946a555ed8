/**
 * Progress where work is long: a bar for transfers of 1 MiB and more, and for proof-of-work the
 * hashes done against the expected count — honestly, as a count and a rate once the expected work
 * is passed (a search takes 2^difficulty hashes on average, and luck decides the rest). On a terminal
 * the line is redrawn in place; when standard error is not a terminal, a long proof-of-work gets one
 * line of status and transfers get nothing.
 */
import type { Progress } from "../client/client.ts";
import { mibPerSecond, rateAndLeft, timeLeft } from "../client/progress-rate.ts";
import { count, mib } from "./units.ts";

const PROGRESS_MIN_BYTES = 1024 * 1024;
/** Work shorter than this shows nothing: a line that flashes by only distracts… */
const QUIET_MS = 1000;
/** …unless the proof-of-work is expected to be long (registration's 24 bits): it shows at once. */
const LONG_POW_BITS = 22;
/** Redraws at most this often. */
const REDRAW_MS = 100;

const bar = (width: number, share: number) => {
  const filled = Math.max(0, Math.min(width, Math.round(width * share)));
  return `[${"#".repeat(filled)}${" ".repeat(width - filled)}]`;
};

/** The proof-of-work line: `fraction` is the hashes done over the expected count (it passes 1). */
export function powLine(difficulty: number, fraction: number, elapsedMs: number): string {
  const expected = 2 ** difficulty;
  const done = fraction * expected;
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const speed = rate > 0 ? `, ${count(rate)} hashes/s` : "";
  const head = `proof-of-work (difficulty ${difficulty}):`;
  if (fraction < 1) {
    const left = rate > 0 ? `, about ${Math.ceil((expected - done) / rate)} s left` : "";
    return `${head} ${bar(20, fraction)} ${count(done)} of the ${count(expected)} hashes expected${speed}${left}`;
  }
  return `${head} ${count(done)} hashes, ${fraction.toFixed(1)}× the ${count(expected)} expected${speed}; still searching (luck varies)`;
}

/** The one line a long proof-of-work gets when standard error is not a terminal. */
export const powStatusLine = (difficulty: number): string =>
  `sealbin: solving proof-of-work (difficulty ${difficulty}, about ${count(2 ** difficulty)} hashes expected)…`;

/** A transfer's bar, bytes, and once it has run a second its rate and the time left. */
export function transferLine(label: string, done: number, total: number, elapsedMs = 0): string {
  const head = `${label} ${bar(30, total > 0 ? done / total : 0)} ${(done / 1048576).toFixed(1)}/${mib(total)}`;
  const r = rateAndLeft(done, total, elapsedMs);
  return r ? `${head}, ${mibPerSecond(r.rate)}, ${timeLeft(r.secondsLeft)} left` : head;
}

/** A progress reporter for one call (`label`: "uploading", "downloading", "registering"…). */
export function terminalProgress(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): (p: Progress) => void {
  let powStarted = 0;
  let statusPrinted = false;
  let shown = false;
  let drawnAt = 0;
  let transferStarted = 0;
  const draw = (line: string, force = false) => {
    const now = Date.now();
    if (!force && now - drawnAt < REDRAW_MS) return;
    drawnAt = now;
    shown = true;
    stream.write(`\r\x1b[K${line}`);
  };
  const clear = () => {
    if (shown) stream.write("\r\x1b[K");
    shown = false;
  };
  return (p) => {
    if (p.phase === "pow") {
      powStarted ||= Date.now();
      const elapsed = Date.now() - powStarted;
      if (elapsed < QUIET_MS && p.difficulty < LONG_POW_BITS) return;
      if (stream.isTTY) draw(powLine(p.difficulty, p.fraction, elapsed));
      else if (!statusPrinted) {
        statusPrinted = true;
        stream.write(`${powStatusLine(p.difficulty)}\n`);
      }
      return;
    }
    // The work is done and the request goes out: the proof-of-work line gives way.
    if (powStarted) {
      powStarted = 0;
      clear();
    }
    if (!stream.isTTY || p.total < PROGRESS_MIN_BYTES) return;
    const finished = p.done >= p.total;
    transferStarted ||= Date.now();
    draw(transferLine(label, p.done, p.total, Date.now() - transferStarted), finished || !shown);
    if (finished) clear();
  };
}

/**
 * A transfer's rate and time left, in the same words for the CLI's progress line and the page's
 * upload list: nothing until it has run a second and moved a byte.
 */
export interface RateAndLeft {
  /** Bytes per second so far. */
  readonly rate: number;
  /** Seconds left at that rate, whole. */
  readonly secondsLeft: number;
}

export function rateAndLeft(done: number, total: number, elapsedMs: number): RateAndLeft | undefined {
  if (elapsedMs < 1000 || done <= 0) return undefined;
  const rate = (done * 1000) / elapsedMs;
  return { rate, secondsLeft: Math.max(0, Math.ceil((total - done) / rate)) };
}

/** "1:05", or "2 h 3 min" from an hour on. */
export function timeLeft(seconds: number): string {
  return seconds >= 3600
    ? `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`
    : `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** "3.2 MiB/s". */
export const mibPerSecond = (rate: number): string => `${(rate / 1048576).toFixed(1)} MiB/s`;

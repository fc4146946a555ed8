/**
 * Durations and sizes as people write and read them: `-x 1h`, `30m`, `7d`, `1h30m` or `3600`;
 * limits in MiB; an expiry as a date and "in 23 h".
 */

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  m: 60,
  min: 60,
  h: 3600,
  d: 86_400,
  w: 7 * 86_400,
};

/** Seconds the server's X-Expiry can carry (a sealbin or FlaskPaste server reads up to 15 digits). */
const MAX_SECONDS = 10 ** 15 - 1;

/**
 * Seconds for "3600", "90s", "30m", "1h", "1h30m", "7d", "2w" (case-insensitive, no spaces inside a
 * term). A reason when it is not one: negative or zero, or not a duration at all.
 */
export function parseDuration(text: string): { seconds: number } | { error: string } {
  const t = text.trim().toLowerCase();
  if (/^-/.test(t)) return { error: "must be positive" };
  if (/^[0-9]+$/.test(t)) {
    const seconds = Number(t);
    if (seconds <= 0) return { error: "must be positive" };
    return seconds > MAX_SECONDS ? { error: "is too long" } : { seconds };
  }
  const terms = /^(?:[0-9]+(?:\.[0-9]+)?(?:s|sec|m|min|h|d|w))+$/.test(t)
    ? [...t.matchAll(/([0-9]+(?:\.[0-9]+)?)(sec|min|s|m|h|d|w)/g)]
    : [];
  if (terms.length === 0) return { error: "is not a duration (such as 3600, 30m, 1h, 7d)" };
  const seconds = Math.round(
    terms.reduce((sum, [, n, unit]) => sum + Number(n) * (UNIT_SECONDS[unit ?? ""] ?? 0), 0),
  );
  if (seconds <= 0) return { error: "must be positive" };
  return seconds > MAX_SECONDS ? { error: "is too long" } : { seconds };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "90 days", "1 hour", "36 hours", "90 minutes", "45 seconds": the largest unit that is exact. */
export function formatDuration(seconds: number): string {
  if (seconds >= 86_400 && seconds % 86_400 === 0) return plural(seconds / 86_400, "day");
  if (seconds >= 3600 && seconds % 3600 === 0) return plural(seconds / 3600, "hour");
  if (seconds >= 60 && seconds % 60 === 0) return plural(seconds / 60, "minute");
  if (seconds >= 86_400)
    return `${plural(Math.floor(seconds / 86_400), "day")} ${formatDuration(seconds % 86_400)}`;
  if (seconds >= 3600)
    return `${plural(Math.floor(seconds / 3600), "hour")} ${formatDuration(seconds % 3600)}`;
  if (seconds >= 60) return `${plural(Math.floor(seconds / 60), "minute")} ${plural(seconds % 60, "second")}`;
  return plural(seconds, "second");
}

/** How far a moment is from now, rounded down: "in 23 h", "in 5 min", "in 3 days", "2 h ago". */
export function relativeTime(atSeconds: number, nowMs: number = Date.now()): string {
  const delta = atSeconds - nowMs / 1000;
  const span = Math.abs(delta);
  let text: string;
  if (span < 60) text = `${Math.floor(span)} s`;
  else if (span < 3600) text = `${Math.floor(span / 60)} min`;
  else if (span < 48 * 3600) text = `${Math.floor(span / 3600)} h`;
  else text = plural(Math.floor(span / 86_400), "day");
  return delta >= 0 ? `in ${text}` : `${text} ago`;
}

export const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;

/** Bytes for people: "512 B", "4.0 KiB", "3.0 MiB". */
export function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KiB`;
  return mib(n);
}

/** A count of hashes or bytes for people: "950", "16.8 M", "1.2 G". */
export function count(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} k`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} M`;
  return `${(n / 1e9).toFixed(1)} G`;
}

/** A Unix time as ISO 8601 to the second, "-" when absent. */
export const date = (seconds: unknown): string =>
  typeof seconds === "number" ? new Date(seconds * 1000).toISOString().replace(".000Z", "Z") : "-";

/** Sizes, durations and dates as the page writes them. */

/** "1 byte", "83 bytes", "1.2 KiB", "3.4 MiB" (binary units, as the CLI and the limits use). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** A period in the largest unit that divides it: "90 seconds", "2 hours", "1 day", "30 days". */
export function formatDuration(seconds: number): string {
  if (seconds % 86400 === 0) return plural(seconds / 86400, "day");
  if (seconds % 3600 === 0) return plural(seconds / 3600, "hour");
  if (seconds % 60 === 0) return plural(seconds / 60, "minute");
  return plural(seconds, "second");
}

const relative = new Intl.RelativeTimeFormat("en", { numeric: "always" });

/** "in 3 days", "in 5 hours", "2 minutes ago": from now to `at` (ms), rounded to its largest unit. */
export function formatRelative(at: number, now = Date.now()): string {
  const seconds = (at - now) / 1000;
  const abs = Math.abs(seconds);
  // Each unit until the next one reads better ("in 1 day", not "in 24 hours").
  const steps: [number, Intl.RelativeTimeFormatUnit][] = [
    [59.5, "second"],
    [3570, "minute"],
    [23.5 * 3600, "hour"],
    [100 * 86400, "day"],
    [365 * 86400, "month"],
    [Number.POSITIVE_INFINITY, "year"],
  ];
  const size: Record<string, number> = {
    second: 1,
    minute: 60,
    hour: 3600,
    day: 86400,
    month: 30 * 86400,
    year: 365 * 86400,
  };
  const unit = steps.find(([below]) => abs < below)?.[1] ?? "year";
  return relative.format(Math.round(seconds / (size[unit] ?? 1)), unit);
}

/** A date and time in the reader's own format. */
export const formatDate = (at: number): string =>
  new Date(at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

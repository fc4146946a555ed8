import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatDuration, formatRelative, formatSize } from "./format.ts";

describe("how the page writes sizes and times", () => {
  it("writes sizes in bytes below 1 KiB, then in binary units with one decimal below 10", () => {
    assert.equal(formatSize(1), "1 byte");
    assert.equal(formatSize(83), "83 bytes");
    assert.equal(formatSize(10_000), "9.8 KiB");
    assert.equal(formatSize(65_536), "64 KiB");
    assert.equal(formatSize(3 * 1048576 + 419430), "3.4 MiB");
  });

  it("writes a period in the largest unit that divides it", () => {
    assert.equal(formatDuration(86400), "1 day");
    assert.equal(formatDuration(7200), "2 hours");
    assert.equal(formatDuration(30 * 86400), "30 days");
    assert.equal(formatDuration(90), "90 seconds");
  });

  it("says how far off a moment is in the unit that reads best: in 1 day, not in 24 hours", () => {
    const now = 1_700_000_000_000;
    assert.equal(formatRelative(now + 86400_000 - 5_000, now), "in 1 day");
    assert.equal(formatRelative(now + 7 * 86400_000 - 3_000, now), "in 7 days");
    assert.equal(formatRelative(now + 5 * 3600_000, now), "in 5 hours");
    assert.equal(formatRelative(now + 30_000, now), "in 30 seconds");
    assert.equal(formatRelative(now - 120_000, now), "2 minutes ago");
    assert.equal(formatRelative(now + 200 * 86400_000, now), "in 7 months");
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { powLine } from "./progress.ts";
import { formatDuration, parseDuration, relativeTime } from "./units.ts";

describe("durations as people write them", () => {
  it("reads seconds, units and sums of units", () => {
    for (const [text, seconds] of [
      ["3600", 3600],
      ["90s", 90],
      ["30m", 1800],
      ["30min", 1800],
      ["1h", 3600],
      ["1H", 3600],
      ["1h30m", 5400],
      ["1.5h", 5400],
      ["7d", 604_800],
      ["2w", 1_209_600],
    ] as const) {
      assert.deepEqual(parseDuration(text), { seconds }, text);
    }
  });

  it("says a negative or zero duration must be positive, and names what is not a duration", () => {
    assert.deepEqual(parseDuration("-5"), { error: "must be positive" });
    assert.deepEqual(parseDuration("0"), { error: "must be positive" });
    assert.deepEqual(parseDuration("0h"), { error: "must be positive" });
    assert.match((parseDuration("soon") as { error: string }).error, /is not a duration/);
    assert.match((parseDuration("1 h") as { error: string }).error, /is not a duration/);
    assert.match((parseDuration("h") as { error: string }).error, /is not a duration/);
  });

  it("writes durations in the largest exact unit", () => {
    assert.equal(formatDuration(7_776_000), "90 days");
    assert.equal(formatDuration(86_400), "1 day");
    assert.equal(formatDuration(3600), "1 hour");
    assert.equal(formatDuration(90_000), "25 hours");
    assert.equal(formatDuration(5400), "90 minutes");
    assert.equal(formatDuration(45), "45 seconds");
    assert.equal(formatDuration(3661), "1 hour 1 minute 1 second");
  });

  it("says how far away a moment is", () => {
    const now = Date.UTC(2030, 0, 1);
    assert.equal(relativeTime(now / 1000 + 23 * 3600 + 59 * 60, now), "in 23 h");
    assert.equal(relativeTime(now / 1000 + 300, now), "in 5 min");
    assert.equal(relativeTime(now / 1000 + 3 * 86_400 + 5, now), "in 3 days");
    assert.equal(relativeTime(now / 1000 - 7200, now), "2 h ago");
  });
});

describe("the proof-of-work progress line", () => {
  it("counts towards the expected work, with a rate and the time left", () => {
    const line = powLine(24, 0.5, 4000);
    assert.match(
      line,
      /^proof-of-work \(difficulty 24\): \[#{10} {10}\] 8\.4 M of the 16\.8 M hashes expected/,
    );
    assert.match(line, /2\.1 M hashes\/s, about 4 s left$/);
  });

  it("never sits at 99 %: past the expected work it reports the count and the rate", () => {
    const line = powLine(24, 1.5, 12_000);
    assert.doesNotMatch(line, /%|\[/);
    assert.match(line, /25\.2 M hashes, 1\.5× the 16\.8 M expected, 2\.1 M hashes\/s; still searching/);
  });
});

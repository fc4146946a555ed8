/** The source of "now", passed in so that expiry, windows and decay are tested by moving the clock. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that tests move by hand. */
export class ManualClock implements Clock {
  private current: number;
  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.current = startMs;
  }
  now(): number {
    return this.current;
  }
  advanceSeconds(seconds: number): void {
    this.current += seconds * 1000;
  }
}

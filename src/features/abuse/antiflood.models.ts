/**
 * Anti-flood: the proof-of-work difficulty handed out rises by `step` bits each time creations
 * within the window pass the threshold, up to `max`, and falls back by `step` after each `decay`
 * seconds without a rise. Pure functions of the shared state and the time.
 */

export interface FloodState {
  /** Start of the current measurement window (Unix seconds). */
  readonly windowStart: number;
  /** Creations counted in this window since the last rise. */
  readonly count: number;
  /** Bits above the base difficulty, before decay since `lastRise`. */
  readonly extra: number;
  /** When the difficulty last rose, or last decayed by a step. */
  readonly lastChange: number;
}

export interface FloodConfig {
  readonly powDifficulty: number;
  readonly antiflood: boolean;
  readonly antifloodWindow: number;
  readonly antifloodThreshold: number;
  readonly antifloodStep: number;
  readonly antifloodMax: number;
  readonly antifloodDecay: number;
}

/** The extra bits still in force at `now`, and when the last decay step took effect. */
function decayed(state: FloodState, now: number, c: FloodConfig): { extra: number; lastChange: number } {
  const steps = Math.max(0, Math.floor((now - state.lastChange) / c.antifloodDecay));
  if (steps === 0 || state.extra === 0) return { extra: state.extra, lastChange: state.lastChange };
  return {
    extra: Math.max(0, state.extra - steps * c.antifloodStep),
    lastChange: state.lastChange + steps * c.antifloodDecay,
  };
}

/** The difficulty a new challenge gets at `now`. 0 means proof-of-work is off. */
export function currentDifficulty(state: FloodState | undefined, now: number, c: FloodConfig): number {
  if (c.powDifficulty === 0) return 0;
  if (!c.antiflood || state === undefined) return c.powDifficulty;
  const top = Math.max(c.antifloodMax, c.powDifficulty);
  return Math.min(top, c.powDifficulty + decayed(state, now, c).extra);
}

/** The state after one more creation at `now`. */
export function recordCreation(state: FloodState | undefined, now: number, c: FloodConfig): FloodState {
  const { extra, lastChange } = state ? decayed(state, now, c) : { extra: 0, lastChange: now };
  const sameWindow = state !== undefined && now < state.windowStart + c.antifloodWindow;
  const windowStart = sameWindow ? state.windowStart : now;
  const count = (sameWindow ? state.count : 0) + 1;
  if (count > c.antifloodThreshold) {
    const room = Math.max(0, Math.max(c.antifloodMax, c.powDifficulty) - c.powDifficulty);
    return { windowStart, count: 0, extra: Math.min(room, extra + c.antifloodStep), lastChange: now };
  }
  return { windowStart, count, extra, lastChange };
}

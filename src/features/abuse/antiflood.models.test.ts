import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { currentDifficulty, type FloodConfig, type FloodState, recordCreation } from "./antiflood.models.ts";

const config: FloodConfig = {
  powDifficulty: 20,
  antiflood: true,
  antifloodWindow: 60,
  antifloodThreshold: 5,
  antifloodStep: 2,
  antifloodMax: 28,
  antifloodDecay: 60,
};

function create(state: FloodState | undefined, times: number, now: number, c = config) {
  let s = state;
  for (let i = 0; i < times; i++) s = recordCreation(s, now, c);
  return s;
}

describe("anti-flood difficulty", () => {
  it("stays at the base while creations stay within the threshold", () => {
    assert.equal(currentDifficulty(create(undefined, 5, 1000), 1000, config), 20);
  });

  it("rises by one step the moment the threshold is passed, and again for every further threshold", () => {
    const once = create(undefined, 6, 1000);
    assert.equal(currentDifficulty(once, 1000, config), 22);
    assert.equal(currentDifficulty(create(once, 5, 1001), 1001, config), 22);
    assert.equal(currentDifficulty(create(once, 6, 1001), 1001, config), 24);
  });

  it("starts a new count in a new window", () => {
    const state = create(create(undefined, 5, 1000), 5, 1060);
    assert.equal(currentDifficulty(state, 1060, config), 20);
  });

  it("never rises above ANTIFLOOD_MAX", () => {
    assert.equal(currentDifficulty(create(undefined, 600, 1000), 1000, config), 28);
  });

  it("falls back one step after each ANTIFLOOD_DECAY seconds of calm", () => {
    const raised = create(undefined, 18, 1000);
    assert.equal(currentDifficulty(raised, 1000, config), 26);
    assert.equal(currentDifficulty(raised, 1059, config), 26);
    assert.equal(currentDifficulty(raised, 1060, config), 24);
    assert.equal(currentDifficulty(raised, 1120, config), 22);
    assert.equal(currentDifficulty(raised, 5000, config), 20);
    // A creation during the decay keeps what has decayed, and the decay goes on from there.
    const after = recordCreation(raised, 1070, config);
    assert.equal(currentDifficulty(after, 1070, config), 24);
    assert.equal(currentDifficulty(after, 1120, config), 22);
  });

  it("does nothing when anti-flood is off, and proof-of-work off stays off", () => {
    const off = { ...config, antiflood: false };
    assert.equal(currentDifficulty(create(undefined, 100, 1000, off), 1000, off), 20);
    const noPow = { ...config, powDifficulty: 0 };
    assert.equal(currentDifficulty(create(undefined, 100, 1000, noPow), 1000, noPow), 0);
  });
});

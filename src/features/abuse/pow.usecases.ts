import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Config } from "../../config/config.ts";
import { meetsDifficulty } from "../../protocol/pow.ts";
import { POW_FAILURES } from "../../protocol/vocabulary.ts";
import type { Clock } from "../../shared/clock.ts";
import type { Metrics } from "../../shared/metrics.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { Store } from "../../store/store.ts";
import { abuseErrors } from "./abuse.errors.ts";
import { currentDifficulty, type FloodState, recordCreation } from "./antiflood.models.ts";
import type { WriteCounters } from "./write-counters.ts";

export interface AbuseDeps {
  readonly store: Pick<Store, "abuse">;
  /** The write path's counters, batched (write-counters.ts). */
  readonly counters: WriteCounters;
  readonly clock: Clock;
  readonly config: Config;
  readonly metrics?: Metrics;
}

export type Challenge =
  | { enabled: false; difficulty: 0 }
  | { enabled: true; nonce: string; difficulty: number; expires: number; token: string };

const FLOOD_STATE_KEY = "antiflood";
const TOKEN_PATTERN = /^([0-9a-f]{32}):([0-9]{1,12}):([0-9]{1,2}):([0-9a-f]{64})$/;

/**
 * Proof-of-work: signed, expiring, single-use challenges and the anti-flood difficulty. The HMAC key
 * comes from POW_SECRET or is generated once and kept in the store, so every process agrees.
 */
export class ProofOfWork {
  private secret: Promise<Buffer> | undefined;
  private readonly deps: AbuseDeps;

  constructor(deps: AbuseDeps) {
    this.deps = deps;
  }

  private key(): Promise<Buffer> {
    const { config, store, clock } = this.deps;
    // The key never changes once chosen: fetching it once per process is not request state.
    this.secret ??= config.powSecret
      ? Promise.resolve(Buffer.from(config.powSecret, "utf8"))
      : store.abuse
          .getOrCreateSecret("pow-hmac", randomBytes(32).toString("hex"), unixSeconds(clock.now()))
          .then((hex) => Buffer.from(hex, "hex"));
    this.secret.catch(() => {
      this.secret = undefined;
    });
    return this.secret;
  }

  private async sign(payload: string): Promise<string> {
    return createHmac("sha256", await this.key())
      .update(payload)
      .digest("hex");
  }

  /**
   * The difficulty a challenge issued now must meet, anti-flood included. `minimum` stands on its
   * own: registration's REGISTER_POW applies even with POW_DIFFICULTY=0.
   */
  async difficulty(minimum = 0): Promise<number> {
    const { config, store } = this.deps;
    if (config.powDifficulty === 0) return minimum;
    const state = config.antiflood ? await store.abuse.readState<FloodState>(FLOOD_STATE_KEY) : undefined;
    return Math.max(minimum, currentDifficulty(state, unixSeconds(this.deps.clock.now()), config));
  }

  /** GET /challenge. `minimum` lets registration ask for its own, higher difficulty. */
  async issueChallenge(minimum = 0): Promise<Challenge> {
    const difficulty = await this.difficulty(minimum);
    if (difficulty === 0) return { enabled: false, difficulty: 0 };
    const nonce = randomBytes(16).toString("hex");
    const expires = unixSeconds(this.deps.clock.now()) + this.deps.config.powTtl;
    const payload = `${nonce}:${expires}:${difficulty}`;
    return { enabled: true, nonce, difficulty, expires, token: `${payload}:${await this.sign(payload)}` };
  }

  /**
   * Checks X-PoW-Token and X-PoW-Solution and uses the challenge up. The token must be ours (HMAC),
   * unexpired, signed for at least the difficulty in force now, solved, and never used before.
   */
  async verify(token: string | undefined, solution: string | undefined, minimum = 0): Promise<void> {
    try {
      await this.check(token, solution, minimum);
    } catch (err) {
      this.deps.metrics?.powFailure();
      throw err;
    }
  }

  private async check(
    token: string | undefined,
    solution: string | undefined,
    minimum: number,
  ): Promise<void> {
    const required = await this.difficulty(minimum);
    if (required === 0) return;
    if (!token || solution === undefined || solution === "") throw abuseErrors.powRequired();
    const match = TOKEN_PATTERN.exec(token);
    if (!match) throw abuseErrors.powFailed(POW_FAILURES.badToken);
    const [, nonce = "", expiresText = "", difficultyText = "", signature = ""] = match;
    const expected = Buffer.from(await this.sign(`${nonce}:${expiresText}:${difficultyText}`), "hex");
    if (!timingSafeEqual(expected, Buffer.from(signature, "hex")))
      throw abuseErrors.powFailed(POW_FAILURES.badSignature);
    const expires = Number(expiresText);
    const now = unixSeconds(this.deps.clock.now());
    if (expires <= now) throw abuseErrors.powFailed(POW_FAILURES.expired);
    const difficulty = Number(difficultyText);
    if (difficulty < required) throw abuseErrors.powFailed(POW_FAILURES.risen);
    if (!meetsDifficulty(nonce, solution, difficulty)) throw abuseErrors.powFailed(POW_FAILURES.wrong);
    if (!(await this.deps.store.abuse.consumeNonce(nonce, expires)))
      throw abuseErrors.powFailed(POW_FAILURES.used);
  }

  /** Counts a creation for anti-flood; a no-op when proof-of-work or anti-flood is off. */
  async recordCreation(): Promise<void> {
    const { config, store, clock } = this.deps;
    if (config.powDifficulty === 0 || !config.antiflood) return;
    const now = unixSeconds(clock.now());
    await store.abuse.updateState<FloodState>(FLOOD_STATE_KEY, (state) => recordCreation(state, now, config));
  }
}

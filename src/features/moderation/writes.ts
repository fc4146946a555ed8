import type { Config } from "../../config/config.ts";
import { WRITE_MODES, type WriteMode } from "../../protocol/vocabulary.ts";
import { type Events, NO_EVENTS } from "../../shared/events.ts";
import type { Store } from "../../store/store.ts";
import type { Caller } from "../identity/identity.models.ts";
import { moderationErrors } from "./moderation.errors.ts";

/** The stored mode, and the SEALBIN_WRITES it was last seeded from. */
interface WritesState {
  readonly mode: WriteMode;
  readonly seed: WriteMode;
}

const KEY = "writes";

const isMode = (value: unknown): value is WriteMode => WRITE_MODES.includes(value as WriteMode);

interface WriteSwitchDeps {
  readonly store: Pick<Store, "abuse">;
  readonly config: Pick<Config, "writes">;
  /** Tells the operator's webhook (writes.changed) of a change made at runtime. */
  readonly events?: Pick<Events, "instanceEvent">;
}

/**
 * The write switch (docs/moderation.md): open, identified or closed, kept in the store so that every
 * process and host reads one mode, on every create. SEALBIN_WRITES seeds it: at start, a value that
 * differs from the one last seeded takes over (the operator changed the configuration); otherwise
 * the mode an admin set at runtime stays, across restarts.
 */
export class WriteSwitch {
  private readonly deps: WriteSwitchDeps;

  constructor(deps: WriteSwitchDeps) {
    this.deps = deps;
  }

  async seed(): Promise<void> {
    const seed = this.deps.config.writes as WriteMode;
    await this.deps.store.abuse.updateState<WritesState>(KEY, (current) =>
      current?.seed === seed && isMode(current.mode) ? current : { mode: seed, seed },
    );
  }

  async mode(): Promise<WriteMode> {
    const state = await this.deps.store.abuse.readState<WritesState>(KEY);
    return state && isMode(state.mode) ? state.mode : (this.deps.config.writes as WriteMode);
  }

  /** Sets the mode; writes.changed goes to the operator's webhook when it was another. */
  async set(mode: WriteMode): Promise<void> {
    const seed = this.deps.config.writes as WriteMode;
    let before: WriteMode | undefined;
    await this.deps.store.abuse.updateState<WritesState>(KEY, (current) => {
      before = current && isMode(current.mode) ? current.mode : seed;
      return { mode, seed: current?.seed ?? seed };
    });
    if (before !== mode) await (this.deps.events ?? NO_EVENTS).instanceEvent("writes.changed", { mode });
  }

  /** Throws the documented refusal when the mode does not let this caller create. */
  async check(caller: Caller): Promise<void> {
    const mode = await this.mode();
    if (mode === "closed") throw moderationErrors.writesClosed();
    if (mode === "identified" && caller.fingerprint === null) throw moderationErrors.writesIdentified();
  }
}

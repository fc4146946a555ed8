import type { Config } from "../../config/config.ts";
import { utf8 } from "../../protocol/bytes.ts";
import { decodeCall, nonceOf, openCall, type SealedCall, sealField } from "../../protocol/sealed-call.ts";
import type { Clock } from "../../shared/clock.ts";
import type { Log } from "../../shared/logger.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { Store } from "../../store/store.ts";
import { type ClientEntry, FunctionClients } from "./functions.clients.ts";
import type { ModuleRunner } from "./functions.modules.ts";

/** A refused call: the client gets an empty 401, the log the reason. */
export class Refused extends Error {
  readonly level: "info" | "warn" | "error";
  constructor(reason: string, level: "info" | "warn" | "error" = "info") {
    super(reason);
    this.level = level;
  }
}

const MAX_REMEMBERED_ADDRESSES = 10_000;

interface Opened {
  readonly client: ClientEntry;
  readonly secret: Uint8Array;
  readonly ts: number;
  readonly entry: string;
}

/**
 * POST /v1: decrypts a sealed call, checks it the way mini-share-point does (CRC of the secret, the
 * timestamp within the TTL, the secret registered) and more (the secret bound to the sender's key,
 * single use), runs the function and seals its answer for the sender.
 */
export class SealedFunctions {
  private readonly deps: { config: Config; store: Pick<Store, "abuse">; clock: Clock; log: Log };
  private readonly clients: FunctionClients;
  private readonly runner: ModuleRunner;
  /** Address → last call (for the "new address" log line) and → the key that last worked from it. */
  private readonly seen = new Map<string, number>();
  private readonly keyHint = new Map<string, string>();

  constructor(
    deps: { config: Config; store: Pick<Store, "abuse">; clock: Clock; log: Log },
    clients: FunctionClients,
    runner: ModuleRunner,
  ) {
    this.deps = deps;
    this.clients = clients;
    this.runner = runner;
  }

  /**
   * Finds the sender by trial decryption, as the protocol leaves no other way: with the shared keys
   * precomputed each try is one XSalsa20-Poly1305 check of a small box, and the key that last worked
   * from the caller's address is tried first.
   */
  private async open(fields: Uint8Array[], ip: string): Promise<Opened> {
    const entries = await this.clients.entries();
    const hint = this.keyHint.get(ip);
    const ordered = hint ? [...entries.filter((e) => e.publicKey === hint), ...entries] : entries;
    for (const client of ordered) {
      const opened = openCall(fields, client.shared);
      if (opened === null) continue;
      if (typeof opened === "string") throw new Refused(opened);
      return { client, secret: opened.secret, ts: opened.unixSeconds, entry: opened.entry };
    }
    throw new Refused("no registered key opens the request");
  }

  async call(body: SealedCall, ip: string): Promise<{ value: string }> {
    const fields = decodeCall(body);
    if (!fields) throw new Refused("malformed request: a field is not a sealed box");
    const opened = await this.open(fields, ip);

    const { config, clock, store } = this.deps;
    const now = unixSeconds(clock.now());
    if (Math.abs(now - opened.ts) > config.functionsRequestTtl)
      throw new Refused("timestamp outside the request TTL");
    const secretHex = new TextDecoder().decode(opened.secret);
    if (!FunctionClients.secretMatches(opened.client, secretHex)) {
      throw new Refused(
        "a registered key sent a secret that is not its own: the client's private key may be compromised",
        "warn",
      );
    }
    // Single use: the timestamp's box (random nonce) can only be made by the client, and no
    // accepted call may reuse one, so no captured call, or mix of captured fields, is accepted twice.
    const tsNonce = Buffer.from(nonceOf(fields[2] as Uint8Array)).toString("hex");
    if (!(await store.abuse.consumeNonce(`fn:${tsNonce}`, now + 2 * config.functionsRequestTtl + 1))) {
      throw new Refused("replayed request", "warn");
    }
    if (!this.runner.has(opened.entry)) throw new Refused("unknown function");

    this.remember(ip, opened.client.publicKey, now);
    let value: string;
    try {
      value = await this.runner.call(opened.entry);
    } catch (err) {
      this.deps.log.error({ function: opened.entry, err: (err as Error).message }, "function module failed");
      throw new Refused("function failed", "error");
    }
    return { value: sealField(utf8(value), opened.client.shared) };
  }

  private remember(ip: string, publicKey: string, now: number): void {
    const last = this.seen.get(ip);
    if (last === undefined || now - last > this.deps.config.functionsIpTtl) {
      this.deps.log.warn({ ip }, "function API: first call from this address");
    }
    if (this.seen.size >= MAX_REMEMBERED_ADDRESSES) {
      for (const [addr, at] of this.seen)
        if (now - at > this.deps.config.functionsIpTtl) this.seen.delete(addr);
      if (this.seen.size >= MAX_REMEMBERED_ADDRESSES) this.seen.clear();
      this.keyHint.clear();
    }
    this.seen.set(ip, now);
    this.keyHint.set(ip, publicKey);
  }
}

import { randomBytes, timingSafeEqual } from "node:crypto";
import {
  decodeKey,
  encodeKey,
  type KeyPair,
  keyPairFromSecret,
  sharedKey,
} from "../../protocol/sealed-call.ts";
import type { Clock } from "../../shared/clock.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { FunctionClient, Store } from "../../store/store.ts";
import { secretHash } from "./functions.crypto.ts";

const VERSION_KEY = "functions:clients-version";
const SERVER_KEY_SECRET = "functions-server-key";

export interface ClientEntry {
  readonly publicKey: string;
  readonly shared: Uint8Array;
  readonly secretHash: Buffer;
}

/**
 * The server's secret key: drawn on first start and kept in the store, so every process has the same.
 * All a server needs to open calls (the shared keys come from it); the public key is derived only
 * when asked for (`serverKeyPair`): a scalar multiplication in JavaScript, tens of milliseconds and
 * a burst of garbage the first time, which start-up need not pay.
 */
export async function serverSecretKey(
  store: Pick<Store, "abuse" | "functions">,
  clock: Clock,
): Promise<Uint8Array> {
  // A box secret key is any 32 bytes from the CSPRNG (what nacl.box.keyPair draws): the candidate,
  // usually discarded for the stored one, needs no public key computed at every start.
  const candidate = encodeKey(randomBytes(32));
  const stored = await store.abuse.getOrCreateSecret(SERVER_KEY_SECRET, candidate, unixSeconds(clock.now()));
  const secret = decodeKey(stored);
  if (!secret) throw new Error("the stored function-API server key is not 32 bytes of base64");
  return secret;
}

/** The server's key pair: its secret key and the public key clients seal their calls to. */
export async function serverKeyPair(
  store: Pick<Store, "abuse" | "functions">,
  clock: Clock,
): Promise<KeyPair> {
  return keyPairFromSecret(await serverSecretKey(store, clock));
}

export class InvalidClientKey extends Error {
  constructor() {
    super(
      "a client public key is 32 bytes of base64 (44 characters, as gen_key and `sealbin fn keygen` write it)",
    );
  }
}

function normalizeKey(publicKey: string): string {
  const bytes = decodeKey(publicKey);
  if (!bytes) throw new InvalidClientKey();
  return encodeKey(bytes);
}

/**
 * The registered clients, each bound to the hash of its own secret. Every process keeps the clients
 * with their X25519 shared keys precomputed, and reloads them when the version in the store moves:
 * a change made by `sealbin-server appendclient` takes effect on the next call, everywhere.
 */
export class FunctionClients {
  private readonly store: Pick<Store, "abuse" | "functions">;
  private readonly clock: Clock;
  private readonly keys: { readonly secretKey: Uint8Array; readonly publicKey?: Uint8Array };
  private cache: { version: number; entries: ClientEntry[] } | undefined;

  /** `keys`: the server's key pair, or its secret key alone (the public key is then derived if asked). */
  constructor(
    deps: { store: Pick<Store, "abuse" | "functions">; clock: Clock },
    keys: { readonly secretKey: Uint8Array; readonly publicKey?: Uint8Array },
  ) {
    this.store = deps.store;
    this.clock = deps.clock;
    this.keys = keys;
  }

  get serverPublicKey(): string {
    return encodeKey(this.keys.publicKey ?? keyPairFromSecret(this.keys.secretKey).publicKey);
  }

  async entries(): Promise<readonly ClientEntry[]> {
    const version = (await this.store.abuse.readState<number>(VERSION_KEY)) ?? 0;
    if (this.cache?.version !== version) {
      const clients = await this.store.functions.listFunctionClients();
      this.cache = {
        version,
        entries: clients.flatMap((c) => {
          const pub = decodeKey(c.publicKey);
          return pub
            ? [
                {
                  publicKey: c.publicKey,
                  shared: sharedKey(pub, this.keys.secretKey),
                  secretHash: Buffer.from(c.secretHash, "hex"),
                },
              ]
            : [];
        }),
      };
    }
    return this.cache.entries;
  }

  /** Whether `secretHex` is the secret bound to this client (constant-time). */
  static secretMatches(entry: ClientEntry, secretHex: string): boolean {
    const hash = Buffer.from(secretHash(secretHex), "hex");
    return hash.length === entry.secretHash.length && timingSafeEqual(hash, entry.secretHash);
  }

  private async changed(): Promise<void> {
    await this.store.abuse.updateState<number>(VERSION_KEY, (v) => (v ?? 0) + 1);
  }

  /** `appendclient`: registers the key (or gives it a new secret) and returns the hex secret, once. */
  async append(publicKey: string): Promise<string> {
    const key = normalizeKey(publicKey);
    const secret = randomBytes(64).toString("hex");
    await this.store.functions.putFunctionClient({
      publicKey: key,
      secretHash: secretHash(secret),
      createdAt: unixSeconds(this.clock.now()),
    });
    await this.changed();
    return secret;
  }

  async remove(publicKey: string): Promise<boolean> {
    const removed = await this.store.functions.removeFunctionClient(normalizeKey(publicKey));
    if (removed) await this.changed();
    return removed;
  }

  async purge(): Promise<number> {
    const n = await this.store.functions.purgeFunctionClients();
    await this.changed();
    return n;
  }

  list(): Promise<FunctionClient[]> {
    return this.store.functions.listFunctionClients();
  }
}

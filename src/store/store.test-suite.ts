import { after, before, describe } from "node:test";
import { abuseConformance } from "./store.abuse.suite.ts";
import { accountsConformance } from "./store.accounts.suite.ts";
import { functionsConformance } from "./store.functions.suite.ts";
import { imagesConformance } from "./store.images.suite.ts";
import { moderationConformance } from "./store.moderation.suite.ts";
import { opsConformance } from "./store.ops.suite.ts";
import { pastesConformance } from "./store.pastes.suite.ts";
import { pkiConformance } from "./store.pki.suite.ts";
import { shortenerConformance } from "./store.shortener.suite.ts";
import type { Conformance, LegacySeed } from "./store.suite.ts";
import { tokensConformance } from "./store.tokens.suite.ts";
import type { NewPaste, Store } from "./store.types.ts";
import { uploadsConformance } from "./store.uploads.suite.ts";
import { webhooksConformance } from "./store.webhooks.suite.ts";

export type { LegacySeed } from "./store.suite.ts";

/**
 * The conformance suite every Store backend must pass, unchanged. `open` returns a fresh, empty
 * store; `openSecond`, when given, a second handle on the same database (another process's view);
 * `openLegacy`, a store opened on a new database that schema version 7 left holding `seed`. Each
 * feature's part is in store.<feature>.suite.ts; they run in this order on one store.
 */
export function runStoreConformance(
  backend: string,
  open: () => Promise<Store>,
  openSecond?: (first: Store) => Promise<Store>,
  openLegacy?: (seed: LegacySeed) => Promise<Store>,
): void {
  describe(`${backend} store conformance`, () => {
    let store: Store | undefined;
    let n = 0;
    const paste = (overrides: Partial<NewPaste> = {}): NewPaste => ({
      id: `${(++n).toString(16).padStart(12, "0")}`,
      owner: null,
      mimeType: "text/plain",
      size: 5,
      createdAt: 1000,
      expiresAt: 2000,
      idleTtl: 1000,
      burnAfterRead: false,
      maxViews: null,
      passwordHash: null,
      content: Buffer.from("hello"),
      ...overrides,
    });
    const t: Conformance = {
      get store(): Store {
        if (!store) throw new Error("the store opens before the first test");
        return store;
      },
      paste,
      openSecond,
      openLegacy,
    };

    before(async () => {
      store = await open();
    });
    after(async () => {
      await store?.close();
    });

    pastesConformance(t);
    abuseConformance(t);
    pkiConformance(t);
    shortenerConformance(t);
    moderationConformance(t);
    functionsConformance(t);
    accountsConformance(t);
    imagesConformance(t);
    tokensConformance(t);
    uploadsConformance(t);
    webhooksConformance(t);
    opsConformance(t);
  });
}

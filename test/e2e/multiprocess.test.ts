import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { openStore } from "../../src/store/store.ts";
import { databaseFor, postgresUnderTest } from "../helpers/database.ts";
import { spawnPair } from "../helpers/process.ts";
import { createdId, createPaste, jsonOf, solvedPowHeaders } from "../helpers/server.ts";

// Day-long windows: the real clock cannot roll a window over in the middle of a test.
const DAY = "86400";
const QUIET = { SEALBIN_POW_DIFFICULTY: "0", SEALBIN_RATE_LIMIT: "0" };

/**
 * Waits until the database both processes share holds `key`'s count (in DAY windows) of at least
 * `atLeast`: each process writes its write counters in batches (src/features/abuse/write-counters.ts).
 */
async function countReaches(dir: string, key: string, atLeast: number): Promise<void> {
  const db = join(dir, "data", "sealbin.db");
  const store = openStore({ db, databaseUrl: postgresUnderTest() ? databaseFor(db) : "" });
  try {
    const now = Math.floor(Date.now() / 1000);
    const windowStart = now - (now % Number(DAY));
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      if ((await store.abuse.readCounter(key, windowStart)) >= atLeast) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.fail(`${key} never reached ${atLeast}`);
  } finally {
    await store.close();
  }
}

describe("two processes on one database behave as one server", () => {
  const dirs: string[] = [];
  const workdir = () => {
    const dir = mkdtempSync(join(tmpdir(), "sealbin-pair-"));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("enforces one rate limit, not one per process, once each write's batch is written", async () => {
    const dir = workdir();
    const pair = await spawnPair(dir, { ...QUIET, SEALBIN_RATE_LIMIT: "1", SEALBIN_RATE_WINDOW: DAY });
    try {
      const [a, b] = pair.urls;
      for (let i = 0; i < 10; i++) {
        const { res } = await createPaste({ url: i % 2 ? a : b }, `write ${i}`);
        assert.equal(res.status, 201, `write ${i}`);
        await countReaches(dir, "rate:v4:127.0.0.1", i + 1);
      }
      assert.equal((await createPaste({ url: a }, "eleventh")).res.status, 429);
      assert.equal((await createPaste({ url: b }, "twelfth")).res.status, 429);
    } finally {
      await pair.stop();
    }
  });

  it("blocks an enumerating address on every process: the 404s counted on one, the reads refused on both", async () => {
    const pair = await spawnPair(workdir(), {
      ...QUIET,
      SEALBIN_RATE_LIMIT: "1",
      SEALBIN_RATE_MAX: "1000",
      SEALBIN_RATE_NOTFOUND_MAX: "3",
      SEALBIN_RATE_WINDOW: DAY,
    });
    try {
      const [a, b] = pair.urls;
      const id = await createdId({ url: a }, "existing");
      assert.equal((await fetch(`${b}/${id}`)).status, 200, "b serves it before the block");
      for (let i = 0; i < 3; i++) {
        assert.equal((await fetch(`${a}/${i.toString(16).padStart(12, "0")}`)).status, 404);
      }
      assert.equal((await fetch(`${a}/${id}`)).status, 429, "a refuses at once: it counted the last 404");
      // b learns of the block from the store (read_blocks) within its refresh: wait for it, bounded.
      let status = 200;
      for (const deadline = Date.now() + 15_000; status === 200 && Date.now() < deadline; ) {
        status = (await fetch(`${b}/${id}`)).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(status, 429, "b refuses the address too, without having seen any of its 404s");
    } finally {
      await pair.stop();
    }
  });

  it("uses each challenge once, whichever process sees it, and agrees on the signing key", async () => {
    const pair = await spawnPair(workdir(), {
      ...QUIET,
      SEALBIN_POW_DIFFICULTY: "8",
      SEALBIN_ANTIFLOOD: "0",
    });
    try {
      const [a, b] = pair.urls;
      const headers = await solvedPowHeaders({ url: a });
      assert.equal((await createPaste({ url: b }, "solved at b", headers)).res.status, 201);
      const replay = await createPaste({ url: a }, "replayed at a", headers);
      assert.equal(replay.json.error, "Proof-of-work failed: Challenge already used");
    } finally {
      await pair.stop();
    }
  });

  it("shares the anti-flood difficulty", async () => {
    const pair = await spawnPair(workdir(), {
      ...QUIET,
      SEALBIN_POW_DIFFICULTY: "4",
      SEALBIN_ANTIFLOOD_WINDOW: DAY,
      SEALBIN_ANTIFLOOD_DECAY: DAY,
    });
    try {
      const [a, b] = pair.urls;
      for (let i = 0; i < 6; i++) {
        const url = i % 2 ? a : b;
        assert.equal(
          (await createPaste({ url }, `flood ${i}`, await solvedPowHeaders({ url }))).res.status,
          201,
        );
      }
      for (const url of [a, b]) assert.equal((await jsonOf(await fetch(`${url}/challenge`))).difficulty, 6);
    } finally {
      await pair.stop();
    }
  });

  it("counts duplicates across processes and burns a paste exactly once", async () => {
    const dir = workdir();
    const pair = await spawnPair(dir, { ...QUIET, SEALBIN_DEDUP_WINDOW: DAY });
    try {
      const [a, b] = pair.urls;
      const dedup = `dedup:${createHash("sha256").update("dup").digest("hex")}`;
      for (const [n, url] of [a, b, a].entries()) {
        assert.equal((await createPaste({ url }, "dup")).res.status, 201);
        await countReaches(dir, dedup, n + 1);
      }
      assert.equal((await createPaste({ url: b }, "dup")).res.status, 429);

      const id = await createdId({ url: a }, "burn me", { "x-burn-after-read": "true" });
      const statuses = await Promise.all(
        Array.from({ length: 10 }, (_, i) => fetch(`${i % 2 ? a : b}/${id}/raw`).then((r) => r.status)),
      );
      assert.deepEqual(statuses.sort(), [200, ...Array(9).fill(404)].sort());
    } finally {
      await pair.stop();
    }
  });
});

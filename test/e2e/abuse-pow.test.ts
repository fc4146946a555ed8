import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { leadingZeroBits, meetsDifficulty, powHash, solvePow } from "../../src/protocol/pow.ts";
import { createPaste, jsonOf, solvedPowHeaders, startServer, type TestServer } from "../helpers/server.ts";

const HINT = "GET /challenge for a new challenge";

async function challenge(server: TestServer) {
  return jsonOf(await fetch(`${server.url}/challenge`));
}

describe("proof-of-work", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ powDifficulty: 12, antiflood: false });
  });
  after(async () => {
    await server.close();
  });

  it("GET /challenge hands out a signed, expiring challenge", async () => {
    const c = await challenge(server);
    const now = Math.floor(server.clock.now() / 1000);
    assert.equal(c.enabled, true);
    assert.match(c.nonce, /^[0-9a-f]{32}$/);
    assert.equal(c.difficulty, 12);
    assert.equal(c.expires, now + 300);
    assert.match(c.token, new RegExp(`^${c.nonce}:${c.expires}:12:[0-9a-f]{64}$`));
  });

  it("a client that follows the documented algorithm creates pastes", async () => {
    for (let i = 0; i < 3; i++) {
      const { res } = await createPaste(server, `solved ${i}`, await solvedPowHeaders(server));
      assert.equal(res.status, 201);
    }
  });

  it("a client that skips it never does", async () => {
    const c = await challenge(server);
    const incomplete: Record<string, string>[] = [{}, { "x-pow-token": c.token }, { "x-pow-solution": "1" }];
    for (const headers of incomplete) {
      const { res, json } = await createPaste(server, "lazy", headers);
      assert.equal(res.status, 400);
      assert.deepEqual(json, { error: "Proof-of-work required", code: "pow_required", hint: HINT });
    }
  });

  it("each challenge works once", async () => {
    const headers = await solvedPowHeaders(server);
    assert.equal((await createPaste(server, "first", headers)).res.status, 201);
    const { res, json } = await createPaste(server, "replay", headers);
    assert.equal(res.status, 400);
    assert.deepEqual(json, {
      error: "Proof-of-work failed: Challenge already used",
      code: "pow_used",
      hint: HINT,
    });
  });

  it("refuses an expired challenge, and accepts it one second before", async () => {
    const early = await solvedPowHeaders(server);
    const late = await solvedPowHeaders(server);
    server.clock.advanceSeconds(299);
    assert.equal((await createPaste(server, "just in time", early)).res.status, 201);
    server.clock.advanceSeconds(1);
    const { res, json } = await createPaste(server, "too late", late);
    assert.equal(res.status, 400);
    assert.deepEqual(json, {
      error: "Proof-of-work failed: Challenge expired",
      code: "pow_expired",
      hint: HINT,
    });
  });

  it("refuses a token whose difficulty or expiry was changed, or whose signature was forged", async () => {
    const c = await challenge(server);
    const [nonce, expires, difficulty, signature] = c.token.split(":");
    const easier = `${nonce}:${expires}:1:${signature}`;
    const longer = `${nonce}:${Number(expires) + 3600}:${difficulty}:${signature}`;
    const forged = `${nonce}:${expires}:${difficulty}:${"0".repeat(64)}`;
    for (const token of [easier, longer, forged]) {
      const solution = String(solvePow(nonce, 1));
      const { res, json } = await createPaste(server, "forged", {
        "x-pow-token": token,
        "x-pow-solution": solution,
      });
      assert.equal(res.status, 400);
      assert.equal(json.error, "Proof-of-work failed: Invalid signature");
      assert.equal(json.code, "pow_invalid_signature");
    }
  });

  it("refuses a malformed token", async () => {
    for (const token of [
      "garbage",
      "a:b:c:d",
      `${"0".repeat(32)}:1:20`,
      `${"z".repeat(32)}:1:20:${"0".repeat(64)}`,
    ]) {
      const { json } = await createPaste(server, "x", { "x-pow-token": token, "x-pow-solution": "1" });
      assert.equal(json.error, "Proof-of-work failed: Invalid token format");
      assert.equal(json.code, "pow_invalid_token");
    }
  });

  it("refuses a solution found for another nonce", async () => {
    const a = await challenge(server);
    const b = await challenge(server);
    // The first solution of a's nonce that does not happen to solve b's too.
    let n = solvePow(a.nonce, 12);
    while (meetsDifficulty(b.nonce, String(n), 12)) n = solvePow(a.nonce, 12, n + 1);
    const { res, json } = await createPaste(server, "x", {
      "x-pow-token": b.token,
      "x-pow-solution": String(n),
    });
    assert.equal(res.status, 400);
    assert.deepEqual(json, {
      error: "Proof-of-work failed: Invalid solution",
      code: "pow_invalid_solution",
      hint: HINT,
    });
  });

  it("refuses a solution that meets a lower difficulty than the token's", async () => {
    const c = await challenge(server);
    let n = 0;
    for (; ; n++) {
      const bits = leadingZeroBits(powHash(c.nonce, n));
      if (bits >= 4 && bits < 12) break;
    }
    const { json } = await createPaste(server, "x", { "x-pow-token": c.token, "x-pow-solution": String(n) });
    assert.equal(json.error, "Proof-of-work failed: Invalid solution");
  });

  it("refuses a non-canonical spelling of a valid solution", async () => {
    const c = await challenge(server);
    const n = solvePow(c.nonce, 12);
    const { json } = await createPaste(server, "x", { "x-pow-token": c.token, "x-pow-solution": `00${n}` });
    assert.equal(json.error, "Proof-of-work failed: Invalid solution");
    assert.equal(
      (await createPaste(server, "x", { "x-pow-token": c.token, "x-pow-solution": String(n) })).res.status,
      201,
    );
  });

  it("GET / states the proof-of-work parameters", async () => {
    const info = await jsonOf(await fetch(`${server.url}/`));
    assert.equal(info.pow.enabled, true);
    assert.equal(info.pow.difficulty, 12);
    assert.equal(info.pow.ttl, 300);
    assert.equal(info.endpoints["GET /challenge"], "Get proof-of-work challenge");
  });
});

describe("proof-of-work settings", () => {
  it("difficulty 0 turns it off and /challenge says so", async () => {
    const server = await startServer({ powDifficulty: 0 });
    try {
      assert.deepEqual(await jsonOf(await fetch(`${server.url}/challenge`)), {
        enabled: false,
        difficulty: 0,
      });
      assert.equal((await createPaste(server, "free")).res.status, 201);
    } finally {
      await server.close();
    }
  });

  it("the documented default of 20 bits is solvable by a client that follows the algorithm", async () => {
    // The solve below blocks this process for seconds; a longer keep-alive spares the pooled
    // connection from being closed under the client while it cannot notice.
    const server = await startServer({ powDifficulty: 20, antiflood: false, keepAliveTimeout: 300 });
    try {
      const c = await challenge(server);
      assert.equal(c.difficulty, 20);
      assert.equal((await createPaste(server, "twenty", await solvedPowHeaders(server))).res.status, 201);
    } finally {
      await server.close();
    }
  });

  it("the generated signing key is kept in the store: a restarted server accepts earlier challenges", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "sealbin-pow-")), "sealbin.db");
    const first = await startServer({ db, powDifficulty: 8 });
    const headers = await solvedPowHeaders(first);
    await first.close();
    const second = await startServer({ db, powDifficulty: 8 });
    try {
      assert.equal((await createPaste(second, "after restart", headers)).res.status, 201);
    } finally {
      await second.close();
    }
  });

  it("with POW_SECRET, servers on different databases accept each other's challenges", async () => {
    const a = await startServer({ powDifficulty: 8, powSecret: "shared-key" });
    const b = await startServer({ powDifficulty: 8, powSecret: "shared-key" });
    const c = await startServer({ powDifficulty: 8, powSecret: "other-key" });
    try {
      const headers = await solvedPowHeaders(a);
      assert.equal(
        (await createPaste(c, "x", headers)).json.error,
        "Proof-of-work failed: Invalid signature",
      );
      assert.equal((await createPaste(b, "x", headers)).res.status, 201);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});

describe("anti-flood", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ powDifficulty: 4, antifloodMax: 10 });
  });
  after(async () => {
    await server.close();
  });

  it("a flood raises the difficulty, the ceiling holds, and calm lowers it again", async () => {
    const difficulty = async () => (await challenge(server)).difficulty as number;
    for (let i = 0; i < 5; i++) await createPaste(server, `p${i}`, await solvedPowHeaders(server));
    assert.equal(await difficulty(), 4, "at the threshold: no rise");
    await createPaste(server, "p5", await solvedPowHeaders(server));
    assert.equal(await difficulty(), 6, "one over the threshold: one step up");

    const stale = await solvedPowHeaders(server); // solved at 6
    for (let i = 0; i < 30; i++) await createPaste(server, `flood ${i}`, await solvedPowHeaders(server));
    assert.equal(await difficulty(), 10, "capped at ANTIFLOOD_MAX");
    const { json } = await createPaste(server, "stale", stale);
    assert.equal(json.error, "Proof-of-work failed: Difficulty too low, the required difficulty has risen");
    assert.equal(json.code, "pow_difficulty_risen");

    server.clock.advanceSeconds(59);
    assert.equal(await difficulty(), 10);
    server.clock.advanceSeconds(1);
    assert.equal(await difficulty(), 8, "one step down after ANTIFLOOD_DECAY seconds of calm");
    server.clock.advanceSeconds(600);
    assert.equal(await difficulty(), 4, "back to the base");
  });
});

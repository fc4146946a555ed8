import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { hashingThread } from "../../src/features/pastes/pastes.password.ts";
import { spawnPair, spawnServer } from "../helpers/process.ts";
import { createdId, createPaste, jsonOf, startServer, type TestServer } from "../helpers/server.ts";

// Behind one trusted proxy, X-Forwarded-For names the client: one test process plays many addresses.
const from = (ip: string) => ({ "x-forwarded-for": ip });
const GUESSER = "203.0.113.66";
const OWNER = "198.51.100.7";
const OTHER = "192.0.2.10";

function read(server: { url: string }, path: string, ip: string, password?: string, method = "GET") {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { ...from(ip), ...(password !== undefined && { "x-paste-password": password }) },
  });
}

/** What every refusal of the password guard looks like: the rate limits' 429, Retry-After to the window's end. */
async function assertRateLimited(res: Response, server: TestServer, what: string): Promise<void> {
  assert.equal(res.status, 429, what);
  const now = Math.floor(server.clock.now() / 1000);
  const retryAfter = now - (now % server.config.rateWindow) + server.config.rateWindow - now;
  assert.deepEqual(
    await jsonOf(res),
    { error: "Rate limit exceeded", code: "rate_limited", retry_after: retryAfter },
    what,
  );
  assert.equal(res.headers.get("retry-after"), String(retryAfter), what);
}

/**
 * `count` concurrent wrong-password reads of one paste from one address, alternating GET /{id} and
 * GET /{id}/raw. `refusedAtOnce` resolves with the first answer that is not a 403 — a refusal that
 * spent no hash (429) or found the hashing queue full (503) — so the caller knows the flood has queued
 * all it can.
 */
function flood(url: string, id: string, ip: string, count: number) {
  let signal: (status: number) => void = () => {};
  let hashed = 0;
  const refusedAtOnce = new Promise<number>((resolve) => {
    signal = resolve;
  });
  const statuses = Promise.all(
    Array.from({ length: count }, (_, i) =>
      fetch(`${url}/${id}${i % 2 ? "/raw" : ""}`, {
        headers: { ...from(ip), "x-paste-password": "wrong" },
      }).then(
        async (res) => {
          await res.arrayBuffer();
          if (res.status === 403) hashed++;
          else signal(res.status);
          return res.status;
        },
        () => 0, // the connection died (the server process was killed)
      ),
    ),
  );
  return { refusedAtOnce, statuses, hashed: () => hashed };
}

/**
 * A request made while a flood is queued, and how many of the flood's hashes were done meanwhile
 * (`done()` before and after). Served in turn, it waits behind at most the hash running and the
 * flooder's next one; served first come first served, behind everything queued. Counting hashes, not
 * milliseconds, holds on a loaded machine.
 */
async function servedAmid<T>(
  done: () => number,
  request: () => Promise<T>,
): Promise<{ result: T; floodHashes: number; ms: number }> {
  const before = done();
  const start = performance.now();
  const result = await request();
  return { result, floodHashes: done() - before, ms: performance.now() - start };
}

const countOf = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe("password guessing", () => {
  it("a client that guessed RATE_PASSWORD_MAX wrong passwords is refused with 429 before any hashing, even with the right password and RATE_LIMIT off, and the right password from another address still reads", async () => {
    const server = await startServer({ trustProxyHops: 1, ratePasswordMax: 3 });
    try {
      assert.equal(server.config.rateLimit, false, "the guard does not depend on RATE_LIMIT");
      const id = await createdId(server, "the secret", { ...from(OWNER), "x-paste-password": "right" });
      const open = await createdId(server, "no password here", from(OWNER));
      // GET /{id}, GET /{id}/raw and HEAD /{id}/raw all check the password, and all count.
      const guesses: [string, string][] = [
        [`/${id}`, "GET"],
        [`/${id}/raw`, "GET"],
        [`/${id}/raw`, "HEAD"],
      ];
      for (const [path, method] of guesses) {
        const res = await read(server, path, GUESSER, "wrong", method);
        assert.equal(res.status, 403, `${method} ${path}`);
        if (method === "GET")
          assert.deepEqual(await jsonOf(res), { error: "Invalid password", code: "invalid_password" });
      }

      const hashesBefore = hashingThread.started;
      await assertRateLimited(await read(server, `/${id}/raw`, GUESSER, "wrong"), server, "a fourth guess");
      await assertRateLimited(await read(server, `/${id}`, GUESSER, "right"), server, "even the right one");
      assert.equal(hashingThread.started, hashesBefore, "no hash was spent on a refused guess");

      // Only guesses are refused: the same client's other requests are answered as before.
      assert.equal((await read(server, `/${id}/raw`, GUESSER)).status, 401, "no password: 401, no guess");
      assert.equal((await read(server, `/${open}/raw`, GUESSER, "anything")).status, 200);
      const other = await read(server, `/${id}/raw`, OTHER, "right");
      assert.equal(other.status, 200);
      assert.equal(await other.text(), "the secret");
    } finally {
      await server.close();
    }
  });

  it("the guard lifts when the window ends: moved past RATE_WINDOW, the clock lets the same client read with the right password", async () => {
    const server = await startServer({ trustProxyHops: 1, ratePasswordMax: 2 });
    try {
      const id = await createdId(server, "windowed", { ...from(OWNER), "x-paste-password": "right" });
      for (let i = 0; i < 2; i++)
        assert.equal((await read(server, `/${id}/raw`, GUESSER, "wrong")).status, 403);
      await assertRateLimited(await read(server, `/${id}/raw`, GUESSER, "right"), server, "locked out");
      server.clock.advanceSeconds(server.config.rateWindow);
      const res = await read(server, `/${id}/raw`, GUESSER, "right");
      assert.equal(res.status, 200);
      assert.equal(await res.text(), "windowed");
      assert.equal((await read(server, `/${id}/raw`, GUESSER, "wrong")).status, 403, "a new allowance");
    } finally {
      await server.close();
    }
  });

  it("a client may have PASSWORD_HASHES_PER_CLIENT hashes waiting or running at once: its further password reads and creates are refused at once with 429, without hashing", async () => {
    const server = await startServer({ trustProxyHops: 1, ratePasswordMax: 0, passwordHashesPerClient: 2 });
    try {
      const id = await createdId(server, "capped", { ...from(OWNER), "x-paste-password": "right" });
      const hashesBefore = hashingThread.started;
      const statuses = await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const res =
            i % 3 === 2
              ? (await createPaste(server, `create ${i}`, { ...from(GUESSER), "x-paste-password": "p" })).res
              : await read(server, `/${id}/raw`, GUESSER, "wrong");
          if (res.status === 429) assert.equal(res.headers.get("retry-after"), "1");
          if (!res.bodyUsed) await res.arrayBuffer();
          return res.status;
        }),
      );
      const hashed = countOf(statuses, 403) + countOf(statuses, 201);
      assert.equal(hashed + countOf(statuses, 429), 12, `only answers that hashed, or 429: ${statuses}`);
      assert.ok(hashed >= 2, `the first two were hashed: ${statuses}`);
      assert.ok(countOf(statuses, 429) >= 1, `twelve at once pass the cap of two: ${statuses}`);
      assert.equal(hashingThread.started - hashesBefore, hashed, "a refused request spent no hash");
    } finally {
      await server.close();
    }
  });

  it("300 concurrent wrong-password reads from one address do not make another address's password create and read wait for the flood", async (t) => {
    // The documented defaults, named: the test helper's permissive settings are not this test's.
    const server = await startServer({ trustProxyHops: 1, ratePasswordMax: 10, passwordHashesPerClient: 4 });
    try {
      const target = await createdId(server, "target", { ...from(OWNER), "x-paste-password": "right" });
      const attack = flood(server.url, target, GUESSER, 300);
      assert.equal(await attack.refusedAtOnce, 429, "the flood is refused, not queued to the global bound");

      // Hashes started in this process, the other address's own included.
      const started = () => hashingThread.started;
      const create = await servedAmid(started, () =>
        createPaste(server, "mine", { ...from(OTHER), "x-paste-password": "mine pw" }),
      );
      assert.equal(create.result.res.status, 201);
      assert.ok(
        create.floodHashes <= 3,
        `the create waited for ${create.floodHashes - 1} of the flood's hashes`,
      );
      const readBack = await servedAmid(started, () =>
        read(server, `/${create.result.json.id}/raw`, OTHER, "mine pw"),
      );
      assert.ok(
        readBack.floodHashes <= 3,
        `the read waited for ${readBack.floodHashes - 1} of the flood's hashes`,
      );
      assert.equal(readBack.result.status, 200);
      assert.equal(await readBack.result.text(), "mine");
      t.diagnostic(
        `the other address: create ${Math.round(create.ms)} ms, read ${Math.round(readBack.ms)} ms`,
      );

      const statuses = await attack.statuses;
      assert.equal(countOf(statuses, 403) + countOf(statuses, 429), 300, `403 or 429 only: ${statuses}`);
      // Guesses admitted before the count reached 10, at most 4 of them in flight at once.
      assert.ok(countOf(statuses, 403) <= 10 + 4, `${countOf(statuses, 403)} guesses were hashed`);
    } finally {
      await server.close();
    }
  });

  describe("in real server processes", () => {
    const dirs: string[] = [];
    const workdir = () => {
      const dir = mkdtempSync(join(tmpdir(), "sealbin-pw-"));
      dirs.push(dir);
      return dir;
    };
    after(() => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });
    const QUIET = { SEALBIN_POW_DIFFICULTY: "0", SEALBIN_RATE_LIMIT: "0" };

    it("hashes are taken from each client in turn: with 200 of one address's guesses queued (guard off), another address's password create and read wait behind at most a few of them", async (t) => {
      const server = spawnServer(workdir(), {
        ...QUIET,
        SEALBIN_TRUST_PROXY_HOPS: "1",
        SEALBIN_RATE_PASSWORD_MAX: "0",
        SEALBIN_PASSWORD_HASHES_PER_CLIENT: "200",
      });
      try {
        const url = await server.listening();
        const target = await createdId({ url }, "target", { ...from(OWNER), "x-paste-password": "right" });
        // 200 queued (20 s of hashing), the other 100 refused by the per-client cap.
        const attack = flood(url, target, GUESSER, 300);
        assert.equal(await attack.refusedAtOnce, 429);

        // The flood's answers seen here: a few may be on their way when counting starts.
        const create = await servedAmid(attack.hashed, () =>
          createPaste({ url }, "mine", { ...from(OTHER), "x-paste-password": "pw" }),
        );
        assert.equal(create.result.res.status, 201);
        assert.ok(
          create.floodHashes <= 10,
          `the create waited for ${create.floodHashes} of the flood's guesses`,
        );
        const readBack = await servedAmid(attack.hashed, () =>
          read({ url }, `/${create.result.json.id}/raw`, OTHER, "pw"),
        );
        assert.ok(
          readBack.floodHashes <= 10,
          `the read waited for ${readBack.floodHashes} of the flood's guesses`,
        );
        assert.equal(readBack.result.status, 200);
        assert.equal(await readBack.result.text(), "mine");
        t.diagnostic(
          `the other address: create ${Math.round(create.ms)} ms, read ${Math.round(readBack.ms)} ms`,
        );

        // Killed, not stopped: a graceful close would wait for the queued guesses to be hashed.
        server.child.kill("SIGKILL");
        await server.exited;
        const statuses = await attack.statuses;
        assert.ok(
          countOf(statuses, 403) < 200,
          "the flood was still queued when the other client was served",
        );
      } finally {
        server.child.kill("SIGKILL");
        await server.exited;
      }
    });

    it("two processes on one database count a client's wrong passwords together", async () => {
      const pair = await spawnPair(workdir(), {
        ...QUIET,
        SEALBIN_RATE_PASSWORD_MAX: "3",
        SEALBIN_RATE_WINDOW: "86400", // the real clock cannot roll a day-long window over mid-test
      });
      try {
        const [a, b] = [{ url: pair.urls[0] }, { url: pair.urls[1] }];
        const id = await createdId(a, "shared", { "x-paste-password": "right" });
        for (const server of [a, b, a]) {
          assert.equal(
            (await fetch(`${server.url}/${id}/raw`, { headers: { "x-paste-password": "x" } })).status,
            403,
          );
        }
        for (const server of [b, a]) {
          const res = await fetch(`${server.url}/${id}/raw`, { headers: { "x-paste-password": "right" } });
          assert.equal(res.status, 429, server.url);
          assert.ok(Number(res.headers.get("retry-after")) > 0);
        }
      } finally {
        await pair.stop();
      }
    });
  });
});

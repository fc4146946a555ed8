import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  createdId,
  createPaste,
  FINGERPRINT_A,
  jsonOf,
  solvedPowHeaders,
  startServer,
  type TestServer,
} from "../helpers/server.ts";

const ENCRYPT_HINT = "Encrypt content before uploading (fpaste encrypts by default)";

/** Counts, in `calls`, each call of the store methods it names (the methods still run). */
function countCalls<K extends string>(part: object, calls: Record<K, number>): void {
  for (const name of Object.keys(calls) as K[]) {
    const target = part as Record<K, (...args: never[]) => Promise<never>>;
    const original = target[name].bind(part);
    target[name] = (...args: never[]) => {
      calls[name]++;
      return original(...args);
    };
  }
}

describe("rate limiting", () => {
  let server: TestServer;
  before(async () => {
    // The documented defaults: 10 writes a minute, five times that with a certificate.
    server = await startServer({ rateLimit: true, rateNotFoundMax: 0 });
  });
  after(async () => {
    await server.close();
  });

  it("allows exactly RATE_MAX writes per window, counting down in X-RateLimit-* headers", async () => {
    const now = Math.floor(server.clock.now() / 1000);
    const reset = now - (now % 60) + 60;
    for (let i = 1; i <= 10; i++) {
      const { res } = await createPaste(server, `write ${i}`);
      assert.equal(res.status, 201);
      assert.equal(res.headers.get("x-ratelimit-limit"), "10");
      assert.equal(res.headers.get("x-ratelimit-remaining"), String(10 - i));
      assert.equal(res.headers.get("x-ratelimit-reset"), String(reset));
    }
    const { res, json } = await createPaste(server, "one too many");
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("retry-after"), String(reset - now));
    assert.equal(res.headers.get("x-ratelimit-remaining"), "0");
    assert.deepEqual(json, { error: "Rate limit exceeded", code: "rate_limited", retry_after: reset - now });
  });

  it("leaves reads alone, and counts deletes as writes", async () => {
    const res = await fetch(`${server.url}/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-ratelimit-limit"), null);
    const del = await fetch(`${server.url}/${"0".repeat(12)}`, { method: "DELETE" });
    assert.equal(del.status, 429);
  });

  it("starts afresh in the next window", async () => {
    const now = Math.floor(server.clock.now() / 1000);
    server.clock.advanceSeconds(60 - (now % 60));
    const { res } = await createPaste(server, "new window");
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("x-ratelimit-remaining"), "9");
  });

  it("gives a certificate holder RATE_AUTH_MULT times the limit", async () => {
    const now = Math.floor(server.clock.now() / 1000);
    server.clock.advanceSeconds(60 - (now % 60));
    const headers = { "x-ssl-client-sha1": FINGERPRINT_A };
    const { res } = await createPaste(server, "authenticated", headers);
    assert.equal(res.headers.get("x-ratelimit-limit"), "50");
    assert.equal(res.headers.get("x-ratelimit-remaining"), "49");
  });

  it("ignores X-Forwarded-For from an untrusted peer", async () => {
    const now = Math.floor(server.clock.now() / 1000);
    server.clock.advanceSeconds(60 - (now % 60));
    for (let i = 0; i < 10; i++)
      await createPaste(server, `spoof ${i}`, { "x-forwarded-for": `198.51.100.${i}` });
    const { res } = await createPaste(server, "spoof", { "x-forwarded-for": "203.0.113.1" });
    assert.equal(res.status, 429);
  });
});

describe("rate limiting of requests refused for proof-of-work", () => {
  const POW_REQUIRED = {
    error: "Proof-of-work required",
    code: "pow_required",
    hint: "GET /challenge for a new challenge",
  };
  let server: TestServer;
  before(async () => {
    server = await startServer({ rateLimit: true, rateNotFoundMax: 0, powDifficulty: 8, antiflood: false });
  });
  after(async () => {
    await server.close();
  });
  const nextWindow = () => {
    const now = Math.floor(server.clock.now() / 1000);
    server.clock.advanceSeconds(60 - (now % 60));
  };

  it("a write refused for a missing or invalid proof-of-work leaves the write quota whole", async () => {
    nextWindow();
    const used = await solvedPowHeaders(server);
    assert.equal((await createPaste(server, "solved", used)).res.status, 201);
    const refused: Record<string, string>[] = [
      {},
      { "x-pow-token": "not-a-token", "x-pow-solution": "1" },
      used, // already used
      ...Array.from({ length: 12 }, () => ({})),
    ];
    for (const headers of refused) {
      const { res } = await createPaste(server, "no work done", headers);
      assert.equal(res.status, 400);
      assert.equal(res.headers.get("x-ratelimit-limit"), "10");
      assert.equal(res.headers.get("x-ratelimit-remaining"), "9", "the refused request was given back");
    }
    const shorten = await fetch(`${server.url}/s`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: "https://example.com/" }),
    });
    assert.equal(shorten.status, 400, "POST /s is refused for its proof-of-work too");
    assert.deepEqual(await jsonOf(shorten), POW_REQUIRED);
    assert.equal(shorten.headers.get("x-ratelimit-remaining"), "9");
    for (let i = 2; i <= 10; i++) {
      const { res } = await createPaste(server, `solved ${i}`, await solvedPowHeaders(server));
      assert.equal(res.status, 201, `write ${i} of RATE_MAX`);
      assert.equal(res.headers.get("x-ratelimit-remaining"), String(10 - i));
    }
    const { res, json } = await createPaste(server, "one too many", await solvedPowHeaders(server));
    assert.equal(res.status, 429, "the write quota itself still holds");
    assert.equal(json.error, "Rate limit exceeded");
  });

  it("refused requests have their own limit, RATE_REFUSED_MAX, so they cannot be used to flood", async () => {
    nextWindow();
    for (let i = 0; i < 50; i++) {
      const { res, json } = await createPaste(server, "flood", {});
      assert.equal(res.status, 400, `refusal ${i + 1}`);
      assert.deepEqual(json, POW_REQUIRED);
    }
    const now = Math.floor(server.clock.now() / 1000);
    const reset = now - (now % 60) + 60;
    const { res, json } = await createPaste(server, "flood", {});
    assert.equal(res.status, 429);
    assert.deepEqual(json, { error: "Rate limit exceeded", code: "rate_limited", retry_after: reset - now });
    assert.equal(res.headers.get("retry-after"), String(reset - now));
    const solved = await createPaste(server, "even solved", await solvedPowHeaders(server));
    assert.equal(solved.res.status, 429, "the flooding client is refused until the window ends");
    nextWindow();
    assert.equal((await createPaste(server, "next window", await solvedPowHeaders(server))).res.status, 201);
  });

  it("a request refused for another reason still counts against the write quota", async () => {
    nextWindow();
    const { res } = await createPaste(server, "x", { "x-paste-password": "p".repeat(1025) });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get("x-ratelimit-remaining"), "9");
  });
});

describe("rate limits shared by several processes", () => {
  it("every process sees the same write quota and the same count of refused requests", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "sealbin-rate-")), "sealbin.db");
    const settings = {
      db,
      rateLimit: true,
      rateNotFoundMax: 0,
      rateMax: 3,
      rateRefusedMax: 4,
      powDifficulty: 8,
      antiflood: false,
    };
    const a = await startServer(settings);
    const b = await startServer(settings);
    try {
      // One moment for both: a window boundary between their clocks would split the counts.
      b.clock.advanceSeconds((a.clock.now() - b.clock.now()) / 1000);
      const now = Math.floor(a.clock.now() / 1000);
      a.clock.advanceSeconds(60 - (now % 60));
      b.clock.advanceSeconds(60 - (now % 60));
      // Each process writes its counts in batches (write-counters.ts): a request reaches the other
      // process's view once its batch is written, which flush() does at once.
      const send = async (server: typeof a, body: string, solved: boolean) => {
        const res = await createPaste(server, body, solved ? await solvedPowHeaders(server) : {});
        await server.app.writeCounters.flush();
        return res;
      };
      for (const server of [a, b, a]) assert.equal((await send(server, "lazy", false)).res.status, 400);
      const first = await send(b, "solved", true);
      assert.equal(first.res.status, 201);
      assert.equal(first.res.headers.get("x-ratelimit-remaining"), "2", "the refusals at a cost b nothing");
      assert.equal((await send(a, "solved", true)).res.status, 201);
      assert.equal((await send(b, "lazy", false)).res.status, 400, "the fourth refusal");
      assert.equal((await send(a, "lazy", false)).res.status, 429, "the fifth, wherever it lands");
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("write counters in batches", () => {
  it("counts fifty writes exactly on one process, in a handful of transactions, not one each", async () => {
    const server = await startServer({ rateLimit: true, rateMax: 50, rateNotFoundMax: 0, dedupMax: 50 });
    try {
      const calls = { incrementCounter: 0, addToCounters: 0 };
      countCalls(server.store.abuse, calls);
      const started = performance.now();
      for (let i = 0; i < 50; i++) {
        const { res } = await createPaste(server, "the same content, deduplicated");
        assert.equal(res.status, 201, `write ${i}`);
        assert.equal(res.headers.get("x-ratelimit-remaining"), String(49 - i));
      }
      const ms = performance.now() - started;
      assert.equal((await createPaste(server, "one more")).res.status, 429, "the 51st write, exactly");
      assert.equal(calls.incrementCounter, 0, "no write counted by a statement of its own");
      assert.ok(
        calls.addToCounters <= 2 + Math.ceil(ms / 50),
        `${calls.addToCounters} batches in ${ms.toFixed(0)} ms: at most one per 50 ms`,
      );
      await server.app.writeCounters.flush();
      const now = Math.floor(server.clock.now() / 1000);
      assert.equal(await server.store.abuse.readCounter("rate:v4:127.0.0.1", now - (now % 60)), 51);
    } finally {
      await server.close();
    }
  });
});

describe("rate limiting behind a trusted proxy", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ rateLimit: true, rateMax: 2, trustProxyHops: 1, rateNotFoundMax: 0 });
  });
  after(async () => {
    await server.close();
  });

  const from = (ip: string) => ({ "x-forwarded-for": `6.6.6.6, ${ip}` });

  it("counts each client address the proxy reports", async () => {
    for (let i = 0; i < 2; i++)
      assert.equal((await createPaste(server, `a${i}`, from("192.0.2.1"))).res.status, 201);
    assert.equal((await createPaste(server, "a", from("192.0.2.1"))).res.status, 429);
    assert.equal((await createPaste(server, "b", from("192.0.2.2"))).res.status, 201);
  });

  it("counts IPv6 clients per /64, so rotating addresses in one network gains nothing", async () => {
    assert.equal((await createPaste(server, "c", from("2001:db8::1"))).res.status, 201);
    assert.equal((await createPaste(server, "d", from("2001:db8::2"))).res.status, 201);
    assert.equal((await createPaste(server, "e", from("2001:db8::ffff:3"))).res.status, 429);
    assert.equal((await createPaste(server, "f", from("2001:db8:0:1::1"))).res.status, 201);
  });
});

describe("ID enumeration", () => {
  it("refuses a client's reads once it has collected RATE_NOTFOUND_MAX 404s in the window", async () => {
    const server = await startServer({ rateLimit: true, rateNotFoundMax: 3 });
    try {
      const id = await createdId(server, "real");
      for (let i = 0; i < 3; i++) {
        assert.equal((await fetch(`${server.url}/${i.toString(16).padStart(12, "0")}`)).status, 404);
      }
      const blocked = await fetch(`${server.url}/${id}`);
      assert.equal(blocked.status, 429, "even an existing paste is refused: a guess learns nothing");
      assert.deepEqual(await jsonOf(blocked), {
        error: "Rate limit exceeded",
        code: "rate_limited",
        retry_after: 60 - (Math.floor(server.clock.now() / 1000) % 60),
      });
      server.clock.advanceSeconds(60);
      assert.equal((await fetch(`${server.url}/${id}/raw`)).status, 200);
    } finally {
      await server.close();
    }
  });
  it("answers a read from memory: successful reads ask the store nothing, however many", async () => {
    const server = await startServer({ rateLimit: true, rateNotFoundMax: 3 });
    try {
      const id = await createdId(server, "read me");
      const calls = { readCounter: 0, readBlocks: 0, incrementCounter: 0 };
      countCalls(server.store.abuse, calls);
      const started = performance.now();
      for (let i = 0; i < 200; i++) assert.equal((await fetch(`${server.url}/${id}`)).status, 200);
      const seconds = (performance.now() - started) / 1000;
      assert.equal(calls.readCounter + calls.incrementCounter, 0, "no counter read or written for a hit");
      assert.ok(
        calls.readBlocks <= 1 + Math.ceil(seconds),
        `the blocks were asked for ${calls.readBlocks} times in ${seconds.toFixed(1)} s: at most once a second`,
      );
    } finally {
      await server.close();
    }
  });
});

describe("content rules", () => {
  it("throttles identical content: DEDUP_MAX per window, then 429; other content is unaffected", async () => {
    const server = await startServer({ dedupMax: 3 });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await createPaste(server, "same spam")).res.status, 201);
      const { res, json } = await createPaste(server, "same spam");
      assert.equal(res.status, 429);
      assert.deepEqual(json, {
        error: "Duplicate content rate limit exceeded",
        code: "duplicate_content",
        count: 3,
        window_seconds: 3600,
      });
      assert.equal((await createPaste(server, "different")).res.status, 201);
      server.clock.advanceSeconds(3600);
      assert.equal(
        (await createPaste(server, "same spam")).res.status,
        201,
        "the counter resets with the window",
      );
    } finally {
      await server.close();
    }
  });

  it("enforces MIN_ENTROPY on contents of MIN_ENTROPY_SIZE bytes or more", async () => {
    const server = await startServer({ minEntropy: 6 });
    try {
      const text = "All work and no play makes Jack a dull boy. ".repeat(6);
      const { res, json } = await createPaste(server, text);
      assert.equal(res.status, 400);
      assert.equal(json.error, "Content entropy too low");
      assert.equal(json.code, "entropy_too_low");
      assert.equal(json.min_entropy, 6);
      assert.equal(json.hint, ENCRYPT_HINT);
      assert.ok(json.entropy > 3 && json.entropy < 5);
      assert.equal(
        (await createPaste(server, text.slice(0, 255))).res.status,
        201,
        "small contents are exempt",
      );
      assert.equal((await createPaste(server, randomBytes(1024))).res.status, 201);
    } finally {
      await server.close();
    }
  });

  it("with REQUIRE_BINARY refuses recognisable formats and accepts opaque binary", async () => {
    const server = await startServer({ requireBinary: true });
    try {
      const { res, json } = await createPaste(server, "plain text");
      assert.equal(res.status, 400);
      assert.deepEqual(json, {
        error: "Recognizable format not allowed",
        code: "recognizable_format",
        detected: "text/plain",
        hint: ENCRYPT_HINT,
      });
      const pdf = await createPaste(server, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
      assert.equal(pdf.json.detected, "application/pdf");
      const cipher = Buffer.concat([Buffer.from([0xff, 0xfe, 0xfd]), randomBytes(200)]);
      assert.equal((await createPaste(server, cipher)).res.status, 201);
    } finally {
      await server.close();
    }
  });
});

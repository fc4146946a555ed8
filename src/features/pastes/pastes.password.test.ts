import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { getPriority } from "node:os";
import { describe, it } from "node:test";
import { AppError } from "../../shared/errors.ts";
import { FairQueue, hashingThread, hashPassword, verifyPassword } from "./pastes.password.ts";

const ME = { key: "v4:192.0.2.1", maxHashes: 8 };

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword(Buffer.from("correct horse"), ME);
    assert.match(stored, /^pbkdf2-sha256\$600000\$/);
    assert.equal(await verifyPassword(Buffer.from("correct horse"), stored, ME), true);
    assert.equal(await verifyPassword(Buffer.from("wrong horse"), stored, ME), false);
  });

  it("hashes concurrently requested passwords each correctly (one thread, one at a time)", async () => {
    const words = ["a", "b", "c", "d"].map((w) => Buffer.from(w));
    const stored = await Promise.all(words.map((w) => hashPassword(w, ME)));
    const checks = await Promise.all(
      words.map((w, i) => verifyPassword(w, stored[(i + 1) % 4] as string, ME)),
    );
    assert.deepEqual(checks, [false, false, false, false]);
    assert.deepEqual(await Promise.all(words.map((w, i) => verifyPassword(w, stored[i] as string, ME))), [
      true,
      true,
      true,
      true,
    ]);
  });

  it("hashes at the lowest priority, leaving the request thread's alone (Linux)", {
    skip: !existsSync("/proc/thread-self"),
  }, async () => {
    const before = getPriority();
    await hashPassword(Buffer.from("x"), ME);
    assert.ok(hashingThread.tid, "the hashing thread reported its id");
    assert.equal(getPriority(hashingThread.tid), 19);
    assert.equal(getPriority(), before);
  });

  it("hashes another client's password third, not ninth, when one client has eight queued before it", async () => {
    const flooder = { key: "v4:203.0.113.66", maxHashes: 8 };
    const finished: string[] = [];
    const hash = (client: typeof ME, label: string) =>
      hashPassword(Buffer.from(label), client).then(() => finished.push(label));
    const flood = Array.from({ length: 8 }, (_, i) => hash(flooder, `flood ${i}`));
    await Promise.all([...flood, hash(ME, "mine")]);
    // The flood's first was running, its second next in turn when mine arrived; then mine.
    assert.equal(finished.indexOf("mine"), 2, finished.join(", "));
  });

  it("refuses a client's hash beyond its maxHashes at once with 429, and takes it again once one is done", async () => {
    const client = { key: "v4:198.51.100.9", maxHashes: 1 };
    const first = hashPassword(Buffer.from("one"), client);
    const startedBefore = hashingThread.started;
    await assert.rejects(hashPassword(Buffer.from("two"), client), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.status, 429);
      assert.deepEqual(err.body, { error: "Rate limit exceeded", code: "rate_limited", retry_after: 1 });
      assert.equal(err.headers["retry-after"], "1");
      return true;
    });
    assert.equal(hashingThread.started, startedBefore, "the refused one never reached the thread");
    await first;
    assert.match(await hashPassword(Buffer.from("two"), client), /^pbkdf2-sha256\$/);
  });
});

describe("the fair queue of hashes", () => {
  const drain = (queue: FairQueue<string>) => {
    const order: string[] = [];
    for (let next = queue.take(); next; next = queue.take()) {
      order.push(next.job);
      queue.done(next.client);
    }
    return order;
  };

  it("takes waiting jobs from each client in turn, not in arrival order", () => {
    const queue = new FairQueue<string>(100);
    for (const job of ["a1", "a2", "a3"]) queue.add("a", job, 10);
    queue.add("b", "b1", 10);
    queue.add("c", "c1", 10);
    queue.add("b", "b2", 10);
    assert.deepEqual(drain(queue), ["a1", "b1", "c1", "a2", "b2", "a3"]);
    assert.equal(queue.size, 0);
  });

  it("sends a client that was served to the back of the line, behind a newcomer", () => {
    const queue = new FairQueue<string>(100);
    queue.add("a", "a1", 10);
    queue.add("a", "a2", 10);
    const running = queue.take();
    queue.add("b", "b1", 10);
    assert.equal(running?.job, "a1");
    queue.done("a");
    assert.deepEqual(drain(queue), ["a2", "b1"]);
  });

  it("counts a client's running jobs with its waiting ones against its cap, until each is done", () => {
    const queue = new FairQueue<string>(100);
    assert.equal(queue.add("a", "a1", 2), "queued");
    const running = queue.take();
    assert.equal(queue.add("a", "a2", 2), "queued");
    assert.equal(queue.add("a", "a3", 2), "client-full", "one running and one waiting make two");
    assert.equal(queue.add("b", "b1", 2), "queued", "another client is not held back by a's cap");
    queue.done(running?.client as string);
    assert.equal(queue.add("a", "a3", 2), "queued");
  });

  it("refuses every client once all together hold maxTotal, a client at its own cap first with its own answer", () => {
    const queue = new FairQueue<string>(3);
    queue.add("a", "a1", 2);
    queue.add("a", "a2", 2);
    queue.add("b", "b1", 2);
    assert.equal(queue.add("c", "c1", 2), "full");
    assert.equal(queue.add("a", "a3", 2), "client-full");
    assert.equal(queue.size, 3);
  });

  it("gives back every waiting job when cleared, and starts from nothing", () => {
    const queue = new FairQueue<string>(3);
    queue.add("a", "a1", 3);
    queue.add("b", "b1", 3);
    queue.take();
    assert.deepEqual(queue.clear(), ["b1"]);
    assert.equal(queue.size, 0);
    assert.equal(queue.add("a", "a2", 1), "queued", "a's running job no longer counts");
  });
});

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { getPriority } from "node:os";
import { describe, it } from "node:test";
import { hashingThread, hashPassword, verifyPassword } from "./pastes.password.ts";

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword(Buffer.from("correct horse"));
    assert.match(stored, /^pbkdf2-sha256\$600000\$/);
    assert.equal(await verifyPassword(Buffer.from("correct horse"), stored), true);
    assert.equal(await verifyPassword(Buffer.from("wrong horse"), stored), false);
  });

  it("hashes concurrently requested passwords each correctly (one thread, one at a time)", async () => {
    const words = ["a", "b", "c", "d"].map((w) => Buffer.from(w));
    const stored = await Promise.all(words.map((w) => hashPassword(w)));
    const checks = await Promise.all(words.map((w, i) => verifyPassword(w, stored[(i + 1) % 4] as string)));
    assert.deepEqual(checks, [false, false, false, false]);
    assert.deepEqual(await Promise.all(words.map((w, i) => verifyPassword(w, stored[i] as string))), [
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
    await hashPassword(Buffer.from("x"));
    assert.ok(hashingThread.tid, "the hashing thread reported its id");
    assert.equal(getPriority(hashingThread.tid), 19);
    assert.equal(getPriority(), before);
  });
});

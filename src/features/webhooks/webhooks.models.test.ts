import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { refusedAddress } from "./webhooks.addresses.ts";
import { eventsOf, GIVE_UP_AFTER_SECONDS, nextAttemptAt, parseWebhookUrl } from "./webhooks.models.ts";
import { signatureHeader, verifySignature } from "./webhooks.signing.ts";

describe("the SSRF guard's address rule", () => {
  it("refuses loopback, private, link-local, CGNAT, unspecified, multicast and their IPv6 forms", () => {
    const refused = [
      "127.0.0.1",
      "127.255.0.9",
      "10.0.0.1",
      "172.16.5.4",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
      "192.0.2.1",
      "::1",
      "[::1]",
      "::",
      "fe80::1",
      "fc00::1",
      "fd12:3456::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "[::ffff:7f00:1]",
      "::ffff:10.0.0.1",
      "::ffff:169.254.169.254",
      "::127.0.0.1",
      "64:ff9b::a00:1",
      "2002:7f00:1::1",
    ];
    for (const address of refused) assert.notEqual(refusedAddress(address), null, address);
  });

  it("lets a public address through, and leaves names to the connect-time check", () => {
    for (const address of ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "[2a00:1450:4001::200e]"]) {
      assert.equal(refusedAddress(address), null, address);
    }
    assert.equal(refusedAddress("localhost"), null, "a name: checked on what it resolves to");
  });
});

describe("what a webhook may be registered with", () => {
  it("takes http and https URLs up to 2,048 characters, without userinfo or a literal private address", () => {
    const problem = (raw: string, allowPrivate = false) => {
      const parsed = parseWebhookUrl(raw, allowPrivate);
      return "problem" in parsed ? parsed.problem : null;
    };
    assert.deepEqual(parseWebhookUrl("https://hooks.example/x", false), { url: "https://hooks.example/x" });
    assert.equal(problem("http://hooks.example:8080/x?y=1"), null);
    assert.equal(problem(`https://hooks.example/${"a".repeat(2048 - 22)}`), null);
    assert.equal(problem(`https://hooks.example/${"a".repeat(2048)}`), "invalid");
    assert.deepEqual(parseWebhookUrl("https://HOOKS.example/a b\u0000c", false), {
      url: "https://hooks.example/a%20b%00c",
    });
    for (const bad of [
      "",
      "hooks.example",
      "ftp://hooks.example/",
      "file:///etc/passwd",
      "https://u:p@hooks.example/",
      "https://u@hooks.example/",
      "javascript:alert(1)",
    ]) {
      assert.equal(problem(bad), "invalid", bad);
    }
    for (const literal of [
      "http://127.0.0.1:9/",
      "http://10.1.2.3/",
      "http://169.254.169.254/latest/meta-data",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://2130706433/",
      "http://0x7f.1/",
    ]) {
      assert.equal(problem(literal), "address", literal);
      assert.equal(problem(literal, true), null, `${literal} with the flag`);
    }
    assert.equal(problem("http://localhost:9/"), null, "names are checked when connecting");
  });

  it("takes a non-empty list of known events, in the vocabulary's order", () => {
    assert.deepEqual(eventsOf(["paste.deleted", "paste.read", "paste.read"]), [
      "paste.read",
      "paste.deleted",
    ]);
    for (const bad of [[], ["paste.created"], ["paste.read", 1], "paste.read", null, undefined, {}]) {
      assert.equal(eventsOf(bad), null, JSON.stringify(bad));
    }
  });
});

describe("the retry schedule", () => {
  it("waits 1 s, then twice as long each time up to an hour, and gives up 24 hours after the event", () => {
    const created = 1_000_000;
    const delays: number[] = [];
    let now = created;
    for (let attempts = 1; ; attempts++) {
      const next = nextAttemptAt(attempts, now, created);
      if (next === null) break;
      delays.push(next - now);
      now = next;
    }
    assert.deepEqual(delays.slice(0, 13), [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 3600]);
    assert.ok(delays.every((d) => d <= 3600));
    assert.ok(now <= created + GIVE_UP_AFTER_SECONDS && now + 3600 > created + GIVE_UP_AFTER_SECONDS);
    assert.ok(delays.length + 1 <= 40, `${delays.length + 1} attempts`);
  });
});

describe("signatures", () => {
  it("verify for the body and time signed, and for nothing else", () => {
    const header = signatureHeader("whsec_k", 1700000000, '{"a":1}');
    assert.match(header, /^t=1700000000,v1=[0-9a-f]{64}$/);
    assert.equal(verifySignature(header, '{"a":1}', "whsec_k", 1700000100), true);
    assert.equal(verifySignature(header, '{"a":2}', "whsec_k", 1700000100), false);
    assert.equal(verifySignature(header, '{"a":1}', "whsec_other", 1700000100), false);
    assert.equal(verifySignature(header, '{"a":1}', "whsec_k", 1700001000), false, "too old");
    assert.equal(verifySignature("t=x,v1=zz", '{"a":1}', "whsec_k", 1700000000), false);
  });
});

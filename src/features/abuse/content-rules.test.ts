import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { checkContentRules, shannonEntropy } from "./content-rules.ts";
import { rateLimitKey } from "./ratelimit.ts";

describe("content rules", () => {
  it("measures Shannon entropy in bits per byte", () => {
    assert.equal(shannonEntropy(Buffer.alloc(100, 0x61)), 0);
    assert.equal(shannonEntropy(Buffer.from("abababab")), 1);
    assert.equal(shannonEntropy(Buffer.from(Array.from({ length: 256 }, (_, i) => i))), 8);
    assert.ok(shannonEntropy(randomBytes(4096)) > 7.9);
    const english = Buffer.from(
      "The quick brown fox jumps over the lazy dog and keeps running far away. ".repeat(8),
    );
    const e = shannonEntropy(english);
    assert.ok(e > 3.5 && e < 5, String(e));
  });

  it("exempts contents below MIN_ENTROPY_SIZE and applies the rule from that size on", () => {
    const rules = { minEntropy: 6, minEntropySize: 256, requireBinary: false };
    assert.doesNotThrow(() => checkContentRules(Buffer.alloc(255, 0x61), "text/plain", rules));
    assert.throws(
      () => checkContentRules(Buffer.alloc(256, 0x61), "text/plain", rules),
      /Content entropy too low/,
    );
    assert.doesNotThrow(() => checkContentRules(randomBytes(256 * 16), "application/octet-stream", rules));
  });

  it("with REQUIRE_BINARY accepts only unrecognisable binary", () => {
    const rules = { minEntropy: 0, minEntropySize: 256, requireBinary: true };
    assert.throws(
      () => checkContentRules(Buffer.from("hi"), "text/plain", rules),
      /Recognizable format not allowed/,
    );
    assert.doesNotThrow(() => checkContentRules(Buffer.from([0xff]), "application/octet-stream", rules));
  });
});

describe("rate limit keys", () => {
  it("counts an IPv4 client by its address, also when written as IPv4-mapped IPv6", () => {
    assert.equal(rateLimitKey("192.0.2.7", 64), "v4:192.0.2.7");
    assert.equal(rateLimitKey("::ffff:192.0.2.7", 64), "v4:192.0.2.7");
  });

  it("counts IPv6 clients per /64 by default, so one host cannot rotate addresses for quota", () => {
    assert.equal(rateLimitKey("2001:db8::1", 64), rateLimitKey("2001:db8:0:0:ffff:ffff:ffff:ffff", 64));
    assert.notEqual(rateLimitKey("2001:db8::1", 64), rateLimitKey("2001:db8:0:1::1", 64));
    assert.notEqual(rateLimitKey("2001:db8::1", 128), rateLimitKey("2001:db8::2", 128));
    assert.equal(rateLimitKey("2001:db8:0:0:8000::", 65), rateLimitKey("2001:db8::ffff:0:0:1", 65));
    assert.notEqual(rateLimitKey("2001:db8:0:0:8000::", 65), rateLimitKey("2001:db8::1", 65));
  });
});

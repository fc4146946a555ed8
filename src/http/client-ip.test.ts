import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clientIp } from "./client-ip.ts";

describe("client IP behind trusted proxies", () => {
  it("ignores X-Forwarded-For when no proxy is trusted: any peer can send it", () => {
    assert.equal(clientIp("10.0.0.1", "1.2.3.4", 0), "10.0.0.1");
  });

  it("takes the Nth address from the right with N trusted hops", () => {
    assert.equal(clientIp("10.0.0.1", "6.6.6.6, 1.2.3.4", 1), "1.2.3.4");
    assert.equal(clientIp("10.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.2", 2), "1.2.3.4");
    assert.equal(clientIp("10.0.0.1", ["6.6.6.6", "1.2.3.4"], 1), "1.2.3.4");
  });

  it("keeps the peer address when the header is shorter than the trusted chain", () => {
    assert.equal(clientIp("10.0.0.1", "1.2.3.4", 2), "10.0.0.1");
    assert.equal(clientIp("10.0.0.1", undefined, 1), "10.0.0.1");
  });
});

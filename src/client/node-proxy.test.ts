import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bypassesProxy, proxyFor, proxyFromEnv } from "./node-proxy.ts";

const url = (u: string) => new URL(u);

describe("the proxy the environment names", () => {
  it("reads http_proxy for http://, https_proxy for https://, the lower-case name first", () => {
    const s = proxyFromEnv({
      http_proxy: "http://lower:3128",
      HTTP_PROXY: "http://upper:3128",
      HTTPS_PROXY: "proxy.example:8080",
    });
    assert.equal(proxyFor(url("http://paste.example/"), s)?.url.host, "lower:3128");
    assert.equal(proxyFor(url("https://paste.example/"), s)?.url.href, "http://proxy.example:8080/");
    assert.equal(proxyFor(url("https://paste.example/"), s)?.from, "HTTPS_PROXY");
    assert.equal(proxyFor(url("http://x/"), proxyFromEnv({})), undefined);
  });

  it("refuses proxies it cannot use, naming the variable", () => {
    assert.throws(
      () => proxyFromEnv({ HTTPS_PROXY: "socks5://127.0.0.1:1080" }),
      /HTTPS_PROXY: only http:\/\//,
    );
  });

  it("honours NO_PROXY: *, hosts and their subdomains, ports, addresses and subnets", () => {
    const no = (list: string, target: string) => bypassesProxy(url(target), list.split(","));
    assert.ok(no("*", "https://anything.example/"));
    assert.ok(no("example.com", "http://example.com/"));
    assert.ok(no("example.com", "http://paste.example.com/"));
    assert.ok(no(".example.com", "http://paste.example.com/"));
    assert.ok(!no("example.com", "http://notexample.com/"));
    assert.ok(no("example.com:8080", "http://example.com:8080/"));
    assert.ok(!no("example.com:8080", "http://example.com:9090/"));
    assert.ok(no("example.com:443", "https://example.com/"), "the scheme's default port");
    assert.ok(no("127.0.0.1", "http://127.0.0.1:5000/"));
    assert.ok(!no("0.0.1", "http://127.0.0.1:5000/"), "no suffix matching for addresses");
    assert.ok(no("10.0.0.0/8", "http://10.1.2.3/"));
    assert.ok(no("[::1]:5000", "http://[::1]:5000/"));
    assert.ok(no("localhost", "http://LOCALHOST./"));
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pointsAtOwnShortUrl, routedPath, type SelfLocation, validateTarget } from "./shortener.models.ts";

const self = (overrides: Partial<SelfLocation> = {}): SelfLocation => ({
  hosts: [],
  listening: [{ address: "127.0.0.1", port: 5000 }],
  localAddresses: ["127.0.0.1", "::1", "192.0.2.10", "fd00::10"],
  localNames: ["pastebox"],
  prefix: "",
  ...overrides,
});

const loops = (target: string, where: SelfLocation) => pointsAtOwnShortUrl(new URL(target), where);

describe("the redirect-loop rule", () => {
  it("sees the path the router matches: escapes decoded once, then slashes merged and dot segments resolved", () => {
    const cases: [string, string][] = [
      ["/s/AbC", "/s/AbC"],
      ["/%73/%41bC", "/s/AbC"],
      ["/%73%2Fx", "/s/x"],
      ["/%2573/x", "/%73/x"],
      ["//s//x", "/s/x"],
      ["/a/..%2Fs/x", "/s/x"],
      ["/s/x/.", "/s/x/"],
      ["/s/x/..", "/s/"],
      ["/%C3%A4/s", "/%C3%A4/s"],
      ["/", "/"],
    ];
    for (const [path, routed] of cases) assert.equal(routedPath(path), routed, path);
  });

  it("refuses the short-URL routes only: /s and /s/…, with or without URL_PREFIX", () => {
    const where = self({ prefix: "/paste" });
    for (const path of ["/s", "/s/", "/s/x", "/s/x/info", "/paste/s", "/paste/s/x", "/paste/%73/x"]) {
      assert.equal(loops(`http://127.0.0.1:5000${path}`, where), true, path);
    }
    for (const path of [
      "/",
      "/sx/x",
      "/S/x",
      "/0123456789ab",
      "/paste",
      "/pastes/s/x",
      "/x/s/y",
      "/%2573/x",
    ]) {
      assert.equal(loops(`http://127.0.0.1:5000${path}`, where), false, path);
    }
  });

  it("knows localhost, loopback and unspecified addresses as this machine whatever it listens on", () => {
    const where = self({ listening: [{ address: "192.0.2.10", port: 5000 }] });
    for (const host of [
      "localhost",
      "localhost.",
      "a.b.localhost",
      "127.0.0.1",
      "127.9.9.9",
      "2130706433",
      "0x7f.1",
      "[::1]",
      "[::ffff:127.0.0.1]",
      "0.0.0.0",
      "[::]",
      "pastebox",
      "PASTEBOX.",
    ]) {
      assert.equal(loops(`http://${host}:5000/s/x`, where), true, host);
    }
    for (const host of ["localhost.example", "xlocalhost", "128.0.0.1", "[::2]", "pastebox.example"]) {
      assert.equal(loops(`http://${host}:5000/s/x`, where), false, host);
    }
  });

  it("knows a wildcard listen as every interface address, a specific listen as its own address only", () => {
    const wildcard = self({ listening: [{ address: "::", port: 5000 }] });
    const specific = self({ listening: [{ address: "fd00::10", port: 5000 }] });
    assert.equal(loops("http://192.0.2.10:5000/s/x", wildcard), true);
    assert.equal(loops("http://[::ffff:192.0.2.10]:5000/s/x", wildcard), true);
    assert.equal(loops("http://[fd00:0:0::10]:5000/s/x", wildcard), true);
    assert.equal(loops("http://192.0.2.10:5000/s/x", specific), false);
    assert.equal(loops("http://[fd00:0000::0010]:5000/s/x", specific), true);
    assert.equal(loops("http://192.0.2.99:5000/s/x", wildcard), false, "not this machine");
  });

  it("needs the listen port, explicit or the scheme's default", () => {
    const on80 = self({ listening: [{ address: "0.0.0.0", port: 80 }] });
    const on443 = self({ listening: [{ address: "0.0.0.0", port: 443 }] });
    assert.equal(loops("http://localhost/s/x", on80), true);
    assert.equal(loops("https://localhost/s/x", on80), false);
    assert.equal(loops("https://localhost/s/x", on443), true);
    assert.equal(loops("http://localhost:443/s/x", on443), true);
    assert.equal(loops("http://localhost:5001/s/x", self()), false);
  });

  it("knows the creating request's Host: its port, or any port when it names none", () => {
    const where = (...hosts: string[]) => self({ hosts, listening: [] });
    assert.equal(loops("https://paste.example/s/x", where("paste.example:443")), true);
    assert.equal(loops("http://paste.example/s/x", where("paste.example:443")), false);
    assert.equal(loops("http://PASTE.example.:8080/s/x", where("paste.example:8080")), true);
    assert.equal(loops("http://paste.example:9/s/x", where("paste.example")), true);
    assert.equal(loops("http://10.1.2.3:80/s/x", where("167838211")), true);
    assert.equal(loops("http://[::ffff:10.1.2.3]/s/x", where("10.1.2.3:80")), true);
    assert.equal(loops("http://other.example/s/x", where("paste.example", "proxy.example")), false);
    assert.equal(loops("http://proxy.example/s/x", where("paste.example", "proxy.example")), true);
    assert.equal(loops("http://paste.example/s/x", where("not a host", "")), false);
  });

  it("is what validateTarget applies, with the documented 400", () => {
    assert.throws(
      () => validateTarget("http://LOCALHOST:5000/%73/x", 2048, self()),
      (err: Error & { status?: number; code?: string }) =>
        err.status === 400 &&
        err.code === "redirect_loop" &&
        err.message === "URL must not point to a short URL of this server (redirect loop)",
    );
    assert.equal(
      validateTarget("http://localhost:5000/0123456789ab", 2048, self()),
      "http://localhost:5000/0123456789ab",
    );
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PNG_1X1 } from "../fixtures/files.ts";
import {
  createdId,
  createPaste,
  type Json,
  jsonOf,
  startServer,
  type TestServer,
} from "../helpers/server.ts";

describe("reading pastes", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  it("GET /{id} returns the reference's metadata", async () => {
    const id = await createdId(server, "twelve bytes");
    const created = Math.floor(server.clock.now() / 1000);
    const res = await fetch(`${server.url}/${id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(await jsonOf(res), {
      id,
      mime_type: "text/plain",
      size: 12,
      created_at: created,
      raw: `/${id}/raw`,
      expiry: "idle",
      idle_expires_at: created + 86_400,
    });
  });

  it("HEAD /{id} answers with headers only", async () => {
    const id = await createdId(server, "head me");
    const res = await fetch(`${server.url}/${id}`, { method: "HEAD" });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.equal(await res.text(), "");
  });

  it("GET /{id}/raw returns the bytes with their MIME type, inline for images and text", async () => {
    const id = await createdId(server, PNG_1X1);
    const res = await fetch(`${server.url}/${id}/raw`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/png");
    assert.equal(res.headers.get("content-disposition"), "inline");
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG_1X1);
    const text = await fetch(`${server.url}/${await createdId(server, "plain")}/raw`);
    assert.equal(text.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(text.headers.get("content-disposition"), "inline");
  });

  it("sends no Content-Disposition for other types", async () => {
    const id = await createdId(server, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0xff]));
    const res = await fetch(`${server.url}/${id}/raw`);
    assert.equal(res.headers.get("content-type"), "application/octet-stream");
    assert.equal(res.headers.get("content-disposition"), null);
  });

  it("HEAD /{id}/raw gives type and size without the body", async () => {
    const id = await createdId(server, PNG_1X1);
    const res = await fetch(`${server.url}/${id}/raw`, { method: "HEAD" });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/png");
    assert.equal(res.headers.get("content-length"), String(PNG_1X1.length));
    assert.equal(await res.text(), "");
  });

  it("never lets active content run as a page: attachment, sandboxed CSP, nosniff", async () => {
    const cases: [string, string][] = [
      ["<html><script>alert(1)</script></html>", "text/html"],
      ['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml"],
      ["alert(document.cookie)", "application/javascript"],
      [
        '<?xml version="1.0"?><x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>',
        "application/xml",
      ],
    ];
    for (const [body, type] of cases) {
      const id = await createdId(server, body, { "content-type": type });
      const res = await fetch(`${server.url}/${id}/raw`);
      assert.equal(res.headers.get("content-disposition"), "attachment", type);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", type);
      assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'none'.*sandbox/, type);
    }
  });

  it("answers 400 for malformed ids and 404 for unknown ones", async () => {
    for (const bad of ["abc", "ABCDEF012345", "abcdef01234z", "abcdef0123456", "x".repeat(5000), "%00%00"]) {
      for (const path of [`/${bad}`, `/${bad}/raw`]) {
        const res = await fetch(`${server.url}${path}`);
        assert.equal(res.status, 400, path);
        assert.deepEqual(await jsonOf(res), { error: "Invalid paste ID format", code: "invalid_paste_id" });
      }
    }
    for (const path of ["/0123456789ab", "/0123456789ab/raw"]) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 404);
      assert.deepEqual(await jsonOf(res), { error: "Paste not found", code: "paste_not_found" });
    }
  });
});

describe("password-protected pastes", () => {
  let server: TestServer;
  let id: string;
  before(async () => {
    server = await startServer();
    id = await createdId(server, "guarded", { "x-paste-password": "secretpassword" });
  });
  after(async () => {
    await server.close();
  });

  it("asks for the password with 401 and password_protected", async () => {
    for (const path of [`/${id}`, `/${id}/raw`]) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 401);
      assert.deepEqual(await jsonOf(res), {
        error: "Password required",
        code: "password_required",
        password_protected: true,
      });
    }
    assert.equal((await fetch(`${server.url}/${id}/raw`, { method: "HEAD" })).status, 401);
  });

  it("refuses a wrong password with 403", async () => {
    for (const path of [`/${id}`, `/${id}/raw`]) {
      const res = await fetch(`${server.url}${path}`, { headers: { "x-paste-password": "secretpassworD" } });
      assert.equal(res.status, 403);
      assert.deepEqual(await jsonOf(res), { error: "Invalid password", code: "invalid_password" });
    }
  });

  it("opens with the right password", async () => {
    const headers = { "x-paste-password": "secretpassword" };
    const meta = await fetch(`${server.url}/${id}`, { headers });
    assert.equal(meta.status, 200);
    assert.equal((await jsonOf(meta)).password_protected, true);
    const raw = await fetch(`${server.url}/${id}/raw`, { headers });
    assert.equal(await raw.text(), "guarded");
  });

  it("supports Unicode and special characters in passwords", async () => {
    const password = "pässwörd – 🔐 \"'$;";
    const header = Buffer.from(password, "utf8").toString("latin1");
    const uid = await createdId(server, "unicode", { "x-paste-password": header });
    assert.equal(
      (await fetch(`${server.url}/${uid}/raw`, { headers: { "x-paste-password": "passwort" } })).status,
      403,
    );
    const res = await fetch(`${server.url}/${uid}/raw`, { headers: { "x-paste-password": header } });
    assert.equal(await res.text(), "unicode");
  });

  it("refuses an over-long password on read with 400, before hashing it", async () => {
    const res = await fetch(`${server.url}/${id}`, { headers: { "x-paste-password": "a".repeat(1025) } });
    assert.equal(res.status, 400);
  });

  it("keeps serving other requests while passwords are being hashed", async () => {
    const plain = await createdId(server, "fast");
    const slow = Array.from({ length: 8 }, () =>
      fetch(`${server.url}/${id}/raw`, { headers: { "x-paste-password": "secretpassword" } }),
    );
    let fastDoneFirst = false;
    const fast = fetch(`${server.url}/${plain}/raw`).then(async (r) => {
      await r.text();
      fastDoneFirst = true;
    });
    const firstSlow = Promise.race(slow).then(() => fastDoneFirst);
    await fast;
    assert.equal(await firstSlow, true, "a plain read waited for PBKDF2");
    await Promise.all(slow);
  });
});

describe("burn-after-read", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  it("the first GET /{id}/raw returns the content with X-Burn-After-Read, and the paste is gone", async () => {
    const id = await createdId(server, "once", { "x-burn-after-read": "true" });
    const first = await fetch(`${server.url}/${id}/raw`);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get("x-burn-after-read"), "true");
    assert.equal(await first.text(), "once");
    assert.equal((await fetch(`${server.url}/${id}/raw`)).status, 404);
    assert.equal((await fetch(`${server.url}/${id}`)).status, 404);
  });

  it("metadata GET and HEAD requests do not burn it", async () => {
    const id = await createdId(server, "still here", { "x-burn-after-read": "1" });
    assert.equal((await fetch(`${server.url}/${id}`)).status, 200);
    assert.equal((await fetch(`${server.url}/${id}`, { method: "HEAD" })).status, 200);
    const head = await fetch(`${server.url}/${id}/raw`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("x-burn-after-read"), "true");
    assert.equal(await (await fetch(`${server.url}/${id}/raw`)).text(), "still here");
  });

  it("a request that fails the password check does not burn it", async () => {
    const id = await createdId(server, "guarded once", {
      "x-burn-after-read": "yes",
      "x-paste-password": "pw",
    });
    assert.equal((await fetch(`${server.url}/${id}/raw`)).status, 401);
    assert.equal(
      (await fetch(`${server.url}/${id}/raw`, { headers: { "x-paste-password": "nope" } })).status,
      403,
    );
    const ok = await fetch(`${server.url}/${id}/raw`, { headers: { "x-paste-password": "pw" } });
    assert.equal(await ok.text(), "guarded once");
    assert.equal(
      (await fetch(`${server.url}/${id}/raw`, { headers: { "x-paste-password": "pw" } })).status,
      404,
    );
  });

  it("of many concurrent readers exactly one gets the content", async () => {
    for (const headers of [{}, { "x-paste-password": "pw" }] as Record<string, string>[]) {
      const id = await createdId(server, "race", { "x-burn-after-read": "true", ...headers });
      const results = await Promise.all(
        Array.from({ length: 12 }, () => fetch(`${server.url}/${id}/raw`, { headers }).then((r) => r.status)),
      );
      assert.deepEqual(
        results.sort(),
        [200, ...Array(11).fill(404)].sort(),
        `burn race ${JSON.stringify(headers)}`,
      );
    }
  });
});

describe("expiry", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ expiryAnon: 3600, expiryUntrusted: 7200 });
  });
  after(async () => {
    await server.close();
  });

  it("a paste whose custom expiry has come is gone for readers at once", async () => {
    const id = await createdId(server, "short-lived", { "x-expiry": "60" });
    server.clock.advanceSeconds(59);
    assert.equal((await fetch(`${server.url}/${id}/raw`)).status, 200);
    server.clock.advanceSeconds(1);
    assert.equal((await fetch(`${server.url}/${id}/raw`)).status, 404);
    assert.equal((await fetch(`${server.url}/${id}`)).status, 404);
  });

  it("a custom expiry is fixed: reads do not extend it", async () => {
    const id = await createdId(server, "fixed", { "x-expiry": "600" });
    for (let i = 0; i < 5; i++) {
      server.clock.advanceSeconds(110);
      assert.equal((await fetch(`${server.url}/${id}`)).status, 200);
    }
    server.clock.advanceSeconds(50);
    assert.equal((await fetch(`${server.url}/${id}`)).status, 404);
  });

  it("the default expiry counts from the last access", async () => {
    const id = await createdId(server, "kept alive");
    for (let i = 0; i < 4; i++) {
      server.clock.advanceSeconds(3000);
      assert.equal((await fetch(`${server.url}/${id}/raw`)).status, 200, `read ${i}`);
    }
    server.clock.advanceSeconds(3600);
    assert.equal((await fetch(`${server.url}/${id}/raw`)).status, 404);
  });

  it("the default expiry follows the trust level: longer for a certificate holder", async () => {
    const anon = await createdId(server, "anon");
    const cert = await createdId(server, "cert", { "x-ssl-client-sha1": "c".repeat(40) });
    server.clock.advanceSeconds(3600);
    assert.equal((await fetch(`${server.url}/${anon}`)).status, 404);
    assert.equal((await fetch(`${server.url}/${cert}`)).status, 200);
  });

  it("GET /{id} says the idle deadline as of now, which each read moves, and a fixed one as expires_at", async () => {
    const idle = await createdId(server, "watched");
    const fixed = await createdId(server, "fixed deadline", { "x-expiry": "600" });
    const start = Math.floor(server.clock.now() / 1000);
    const meta = async (id: string) => jsonOf(await fetch(`${server.url}/${id}`));
    assert.equal((await meta(idle)).idle_expires_at, start + 3600);
    server.clock.advanceSeconds(120);
    const moved = await meta(idle);
    assert.equal(moved.expiry, "idle");
    assert.equal(moved.idle_expires_at, start + 120 + 3600, "the read moved it");
    assert.ok(!("expires_at" in moved));
    const read = await meta(fixed);
    assert.equal(read.expiry, "fixed");
    assert.equal(read.expires_at, start + 600, "reads do not move a fixed deadline");
    assert.ok(!("idle_expires_at" in read));
    server.clock.advanceSeconds(30);
    const deadline = (await meta(idle)).idle_expires_at;
    assert.equal(
      deadline,
      start + 120 + 3600,
      "within a minute the stored deadline is not rewritten, and the answer says the one in force",
    );
    // HEAD reads without moving it: the paste lives exactly until the deadline it was told.
    server.clock.advanceSeconds(deadline - (start + 150) - 1);
    assert.equal((await fetch(`${server.url}/${idle}`, { method: "HEAD" })).status, 200);
    server.clock.advanceSeconds(1);
    assert.equal((await fetch(`${server.url}/${idle}`, { method: "HEAD" })).status, 404);
  });

  it("GET /pastes says each paste's expiry as GET /{id} does", async () => {
    const owner = { "x-ssl-client-sha1": "d".repeat(40) };
    const start = Math.floor(server.clock.now() / 1000);
    const idle = await createdId(server, "listed idle", owner);
    const fixed = await createdId(server, "listed fixed", { ...owner, "x-expiry": "600" });
    const { pastes } = await jsonOf(await fetch(`${server.url}/pastes`, { headers: owner }));
    const byId = new Map((pastes as Json[]).map((p) => [p.id, p]));
    assert.equal(byId.get(idle)?.expiry, "idle");
    assert.equal(byId.get(idle)?.idle_expires_at, start + 7200);
    assert.ok(!("expires_at" in (byId.get(idle) ?? {})));
    assert.equal(byId.get(fixed)?.expiry, "fixed");
    assert.equal(byId.get(fixed)?.expires_at, start + 600);
    assert.ok(!("idle_expires_at" in (byId.get(fixed) ?? {})));
  });

  it("GET /pastes lists the caller's pastes with the listing's fields, and refuses strangers with codes", async () => {
    const owner = { "x-ssl-client-sha1": "e".repeat(40) };
    const start = Math.floor(server.clock.now() / 1000);
    const id = await createdId(server, "listed", {
      ...owner,
      "x-burn-after-read": "1",
      "x-paste-password": "pw",
    });
    const listed = await jsonOf(await fetch(`${server.url}/pastes?limit=1`, { headers: owner }));
    assert.deepEqual(listed, {
      pastes: [
        {
          id,
          mime_type: "text/plain",
          size: 6,
          created_at: start,
          expiry: "idle",
          idle_expires_at: start + 7200,
          burn_after_read: true,
          max_views: 1,
          views_left: 1,
          password_protected: true,
        },
      ],
      count: 1,
      total: 1,
      limit: 1,
      offset: 0,
    });
    const anonymous = await fetch(`${server.url}/pastes`);
    assert.equal(anonymous.status, 401);
    assert.deepEqual(await jsonOf(anonymous), {
      error: "Authentication required",
      code: "authentication_required",
    });
    const all = await fetch(`${server.url}/pastes?all=yes`, { headers: owner });
    assert.equal(all.status, 403);
    assert.deepEqual(await jsonOf(all), { error: "Admin access required", code: "admin_required" });
    const badPage = await fetch(`${server.url}/pastes?limit=0`, { headers: owner });
    assert.equal(badPage.status, 400);
    assert.equal((await jsonOf(badPage)).code, "invalid_request");
  });

  it("the periodic sweep removes expired pastes from the store", async () => {
    const { sweepExpired } = await import("../../src/features/ops/sweep.usecases.ts");
    const id = await createdId(server, "swept", { "x-expiry": "60" });
    const keep = await createdId(server, "kept", { "x-expiry": "600" });
    server.clock.advanceSeconds(61);
    assert.ok((await sweepExpired(server)).pastes >= 1);
    assert.equal(await server.store.pastes.findPaste(id, 0), undefined, "the row itself is gone");
    assert.ok(await server.store.pastes.findPaste(keep, 0));
  });
});

describe("deleting pastes", () => {
  let server: TestServer;
  const owner = "a".repeat(40);
  const stranger = "b".repeat(40);
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  it("the owner deletes their paste", async () => {
    const id = await createdId(server, "mine", { "x-ssl-client-sha1": owner });
    const res = await fetch(`${server.url}/${id}`, {
      method: "DELETE",
      headers: { "x-ssl-client-sha1": owner },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await jsonOf(res), { message: "Paste deleted" });
    assert.equal((await fetch(`${server.url}/${id}`)).status, 404);
  });

  it("answers 401 without authentication, 403 to a stranger, 404 for unknown, 400 for malformed", async () => {
    const id = await createdId(server, "mine", { "x-ssl-client-sha1": owner });
    const anon = await fetch(`${server.url}/${id}`, { method: "DELETE" });
    assert.equal(anon.status, 401);
    assert.deepEqual(await jsonOf(anon), {
      error: "Authentication required",
      code: "authentication_required",
    });
    const other = await fetch(`${server.url}/${id}`, {
      method: "DELETE",
      headers: { "x-ssl-client-sha1": stranger },
    });
    assert.equal(other.status, 403);
    assert.deepEqual(await jsonOf(other), { error: "Permission denied", code: "permission_denied" });
    const missing = await fetch(`${server.url}/${"0".repeat(12)}`, {
      method: "DELETE",
      headers: { "x-ssl-client-sha1": owner },
    });
    assert.equal(missing.status, 404);
    const malformed = await fetch(`${server.url}/nope`, {
      method: "DELETE",
      headers: { "x-ssl-client-sha1": owner },
    });
    assert.equal(malformed.status, 400);
    assert.equal(await (await fetch(`${server.url}/${id}/raw`)).text(), "mine", "nothing was lost");
  });

  it("an anonymous paste can be deleted by nobody", async () => {
    const id = await createdId(server, "anon");
    const res = await fetch(`${server.url}/${id}`, {
      method: "DELETE",
      headers: { "x-ssl-client-sha1": owner },
    });
    assert.equal(res.status, 403);
  });

  it("ignores X-SSL-Client-SHA1 without the right X-Proxy-Secret when one is configured", async () => {
    const guarded = await startServer({ proxySecret: "proxy-s3cret" });
    try {
      const spoofed = await createPaste(guarded, "spoof", { "x-ssl-client-sha1": owner });
      assert.ok(!("owner" in spoofed.json), "a spoofed header made no owner");
      const real = await createPaste(guarded, "real", {
        "x-ssl-client-sha1": owner,
        "x-proxy-secret": "proxy-s3cret",
      });
      assert.equal(real.json.owner, owner);
      const del = (secret: string) =>
        fetch(`${guarded.url}/${real.json.id}`, {
          method: "DELETE",
          headers: { "x-ssl-client-sha1": owner, "x-proxy-secret": secret },
        });
      assert.equal((await del("wrong")).status, 401);
      assert.equal((await del("proxy-s3cret")).status, 200);
    } finally {
      await guarded.close();
    }
  });
});

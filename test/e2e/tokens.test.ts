import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { unixSeconds } from "../../src/shared/time.ts";
import { spawnPair } from "../helpers/process.ts";
import { FINGERPRINT_A, FINGERPRINT_B, startServer, type TestServer } from "../helpers/server.ts";

/**
 * Scoped API tokens (docs/tokens.md) against the real server: made by an identified caller, shown
 * once, kept as a hash, acting as their owner only within their scopes, revoked at once everywhere.
 */

const PKI = { pkiEnabled: true, pkiCaPassword: "ca-password", registrationEnabled: true, registerPow: 0 };
const as = (fingerprint: string) => ({ "x-ssl-client-sha1": fingerprint });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function call(
  server: { url: string },
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
) {
  const json = options.body !== undefined;
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(json ? { "content-type": "application/json" } : {}), ...options.headers },
    ...(json
      ? { body: JSON.stringify(options.body) }
      : options.raw !== undefined
        ? { body: options.raw }
        : {}),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { res, status: res.status, json: parsed };
}

async function makeToken(server: TestServer, who: Record<string, string>, body: Record<string, unknown>) {
  const made = await call(server, "POST", "/tokens", { body: { name: "ci", ...body }, headers: who });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  return made.json as { id: string; token: string; scopes: string[]; expires_at: number | null };
}

describe("API tokens", () => {
  let server: TestServer;
  let admin: Record<string, string>;
  let user: Record<string, string>;
  let userSerial: string;
  before(async () => {
    server = await startServer({ ...PKI, maxAnon: 1000, maxAuth: 5000 });
    const first = await call(server, "POST", "/register", { body: { common_name: "admin" } });
    admin = as(first.json.fingerprint_sha1);
    const second = await call(server, "POST", "/register", { body: { common_name: "user" } });
    user = as(second.json.fingerprint_sha1);
    userSerial = second.json.serial;
  });
  after(async () => server?.close());

  it("a paste:create token pastes as its owner and can do nothing else", async () => {
    const t = await makeToken(server, user, { scopes: ["paste:create"] });
    assert.match(t.token, /^sbt_[0-9A-Za-z]{40}$/);
    const created = await call(server, "POST", "/", { raw: "from ci", headers: bearer(t.token) });
    assert.equal(created.status, 201);
    const mine = await call(server, "GET", "/pastes", { headers: user });
    assert.ok(
      mine.json.pastes.some((p: { id: string }) => p.id === created.json.id),
      "owned by the maker",
    );
    const refusals: [string, string, unknown?][] = [
      ["GET", "/pastes"],
      ["DELETE", `/${created.json.id}`],
      ["POST", "/s", { url: "https://example.com/" }],
      ["GET", "/tokens"],
      ["POST", "/tokens", { name: "more", scopes: ["paste:create"] }],
      ["GET", "/admin/reports"],
      ["GET", "/audit"],
      ["GET", "/webhooks"],
      ["POST", "/webhooks", { url: "https://hooks.example/ci", events: ["paste.read"] }],
    ];
    for (const [method, path, body] of refusals) {
      const r = await call(server, method, path, { body, headers: bearer(t.token) });
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.json.code, "insufficient_scope", `${method} ${path}`);
    }
    const upload = await call(server, "POST", "/uploads", {
      headers: { ...bearer(t.token), "tus-resumable": "1.0.0", "upload-length": "10" },
    });
    assert.equal(upload.status, 201, "paste:create covers resumable uploads");
    const still = await call(server, "GET", `/${created.json.id}/raw`, { headers: bearer(t.token) });
    assert.equal(still.json, "from ci", "a public read ignores the token, and nothing was deleted");
  });

  it("shows the secret once, keeps only its SHA-256, and never lists it", async () => {
    const t = await makeToken(server, user, { name: "listed", scopes: ["paste:read-own", "paste:delete"] });
    const listed = await call(server, "GET", "/tokens", { headers: user });
    const entry = listed.json.tokens.find((k: { id: string }) => k.id === t.id);
    assert.deepEqual(Object.keys(entry).sort(), [
      "created_at",
      "expires_at",
      "id",
      "last_used_at",
      "name",
      "scopes",
    ]);
    assert.deepEqual(entry.scopes, ["paste:read-own", "paste:delete"]);
    assert.ok(!JSON.stringify(listed.json).includes(t.token));
    const found = await server.store.tokens.findTokenBySecret(
      createHash("sha256").update(t.token).digest("hex"),
      unixSeconds(server.clock.now()),
    );
    assert.equal(found?.id, t.id);
    if (server.store.backend === "sqlite") {
      await server.app.writeCounters.flush();
      const files = [server.config.db, `${server.config.db}-wal`].map((f) => {
        try {
          return readFileSync(f).toString("latin1");
        } catch {
          return "";
        }
      });
      assert.ok(
        files.every((bytes) => !bytes.includes(t.token.slice(4))),
        "the secret is not on disk",
      );
    }
    assert.ok(
      !server.logs.some((line) => JSON.stringify(line).includes(t.token.slice(4))),
      "nor in the logs",
    );
  });

  it("lists, deletes and reads only within the scopes, with the owner's size limit", async () => {
    const t = await makeToken(server, user, { scopes: ["paste:create", "paste:read-own", "paste:delete"] });
    const big = "x".repeat(3000);
    assert.equal((await call(server, "POST", "/", { raw: big })).status, 413, "too big for anyone");
    const created = await call(server, "POST", "/", { raw: big, headers: bearer(t.token) });
    assert.equal(created.status, 201, "the owner's limit, not the anonymous one");
    const listed = await call(server, "GET", "/pastes", { headers: bearer(t.token) });
    assert.equal(listed.status, 200);
    assert.ok(listed.json.pastes.some((p: { id: string }) => p.id === created.json.id));
    const all = await call(server, "GET", "/pastes?all=1", { headers: bearer(t.token) });
    assert.equal(all.status, 403);
    assert.equal(all.json.code, "admin_required");
    const deleted = await call(server, "DELETE", `/${created.json.id}`, { headers: bearer(t.token) });
    assert.equal(deleted.status, 200);
    assert.equal((await call(server, "GET", `/${created.json.id}`)).status, 404);
  });

  it("short:create and short:delete cover the short URLs, and nothing of the pastes", async () => {
    const t = await makeToken(server, user, { scopes: ["short:create", "short:delete"] });
    const short = await call(server, "POST", "/s", {
      body: { url: "https://example.com/a" },
      headers: bearer(t.token),
    });
    assert.equal(short.status, 201, JSON.stringify(short.json));
    assert.equal((await call(server, "GET", "/s", { headers: bearer(t.token) })).status, 200);
    const removed = await call(server, "DELETE", `/s/${short.json.id}`, { headers: bearer(t.token) });
    assert.equal(removed.status, 200);
    assert.equal(
      (await call(server, "POST", "/", { raw: "no", headers: bearer(t.token) })).json.code,
      "insufficient_scope",
    );
  });

  it("only an admin may grant admin, and a token is an admin only with that scope", async () => {
    const refused = await call(server, "POST", "/tokens", {
      body: { name: "x", scopes: ["admin"] },
      headers: user,
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.code, "admin_required");
    const plain = await makeToken(server, admin, { scopes: ["paste:read-own"] });
    const notAdmin = await call(server, "GET", "/pastes?all=1", { headers: bearer(plain.token) });
    assert.equal(notAdmin.json.code, "admin_required");
    const powered = await makeToken(server, admin, { scopes: ["admin"] });
    assert.equal(
      (await call(server, "GET", "/admin/reports", { headers: bearer(powered.token) })).status,
      200,
    );
    assert.equal(
      (await call(server, "GET", "/pastes?all=1", { headers: bearer(powered.token) })).status,
      200,
    );
  });

  it("refuses malformed bodies with invalid_token_request and stores nothing", async () => {
    const before = (await call(server, "GET", "/tokens", { headers: user })).json.tokens.length;
    const bad: unknown[] = [
      [],
      "ci",
      {},
      { name: "ci" },
      { name: "ci", scopes: [] },
      { name: "ci", scopes: ["paste:read"] },
      { name: "ci", scopes: ["paste:create", "paste:create"] },
      { name: "", scopes: ["paste:create"] },
      { name: "x".repeat(65), scopes: ["paste:create"] },
      { name: "bell\u0007", scopes: ["paste:create"] },
      { name: "evil\u202egpj.exe", scopes: ["paste:create"] },
      { name: "ci", scopes: ["paste:create"], expires_in: 0 },
      { name: "ci", scopes: ["paste:create"], expires_in: 59 },
      { name: "ci", scopes: ["paste:create"], expires_in: 90.5 },
      { name: "ci", scopes: ["paste:create"], expires_in: "3600" },
      { name: "ci", scopes: ["paste:create"], expires_in: 400_000_000 },
      { name: "ci", scopes: ["paste:create"], owner: FINGERPRINT_B },
    ];
    for (const body of bad) {
      const r = await call(server, "POST", "/tokens", { body, headers: user });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.json.code, "invalid_token_request", JSON.stringify(body));
    }
    const text = await call(server, "POST", "/tokens", {
      raw: "name=ci",
      headers: { ...user, "content-type": "text/plain" },
    });
    assert.equal(text.status, 415);
    const broken = await call(server, "POST", "/tokens", {
      raw: "{",
      headers: { ...user, "content-type": "application/json" },
    });
    assert.equal(broken.status, 400);
    const anonymous = await call(server, "POST", "/tokens", {
      body: { name: "ci", scopes: ["paste:create"] },
    });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json.code, "authentication_required");
    assert.equal((await call(server, "GET", "/tokens", { headers: user })).json.tokens.length, before);
  });

  it("answers 401 invalid_token for malformed, unknown and revoked tokens, and ignores them on public reads", async () => {
    const t = await makeToken(server, user, { scopes: ["paste:create"] });
    const unknown = `sbt_${"A".repeat(40)}`;
    for (const token of ["sbt_", "sbt_short", `${t.token}x`, unknown, `sbt_${"é".repeat(40)}`]) {
      const r = await call(server, "POST", "/", { raw: "hello", headers: bearer(token) });
      assert.equal(r.status, 401, token);
      assert.equal(r.json.code, "invalid_token", token);
    }
    const revoked = await call(server, "DELETE", `/tokens/${t.id}`, { headers: user });
    assert.deepEqual(revoked.json, { message: "Token revoked" });
    assert.equal(
      (await call(server, "POST", "/", { raw: "hello", headers: bearer(t.token) })).json.code,
      "invalid_token",
    );
    assert.equal((await call(server, "DELETE", `/tokens/${t.id}`, { headers: user })).status, 404);
    const anyone = await call(server, "POST", "/", { raw: "public" });
    const read = await call(server, "GET", `/${anyone.json.id}`, { headers: bearer(unknown) });
    assert.equal(read.status, 200, "a public route never looks at the token");
    const nowhere = await call(server, "GET", "/no/such/route/here", { headers: bearer(unknown) });
    assert.equal(nowhere.status, 404, "no route, nothing for a token to guard");
  });

  it("revokes only the caller's own tokens", async () => {
    const t = await makeToken(server, user, { scopes: ["paste:create"] });
    const other = await call(server, "DELETE", `/tokens/${t.id}`, { headers: admin });
    assert.equal(other.status, 404);
    assert.equal(other.json.code, "token_not_found");
    assert.equal(
      (await call(server, "POST", "/", { raw: "still works", headers: bearer(t.token) })).status,
      201,
    );
  });

  it("expires a token at its expires_in", async () => {
    const t = await makeToken(server, user, { scopes: ["paste:create"], expires_in: 60 });
    assert.ok(t.expires_at !== null);
    assert.equal((await call(server, "POST", "/", { raw: "in time", headers: bearer(t.token) })).status, 201);
    server.clock.advanceSeconds(61);
    const late = await call(server, "POST", "/", { raw: "too late", headers: bearer(t.token) });
    assert.equal(late.status, 401);
    assert.equal(late.json.code, "invalid_token");
  });

  it("records the last use coarsely: at most one write every five minutes", async () => {
    const t = await makeToken(server, user, { name: "usage", scopes: ["paste:create"] });
    const lastUsed = async () =>
      (await call(server, "GET", "/tokens", { headers: user })).json.tokens.find(
        (k: { id: string }) => k.id === t.id,
      ).last_used_at as number | null;
    assert.equal(await lastUsed(), null);
    await call(server, "POST", "/", { raw: "one", headers: bearer(t.token) });
    const first = await lastUsed();
    assert.equal(typeof first, "number");
    server.clock.advanceSeconds(120);
    await call(server, "POST", "/", { raw: "two", headers: bearer(t.token) });
    assert.equal(await lastUsed(), first);
    server.clock.advanceSeconds(300);
    await call(server, "POST", "/", { raw: "three", headers: bearer(t.token) });
    assert.ok(((await lastUsed()) ?? 0) > (first ?? 0));
  });

  it("bounds the live tokens of an owner", async () => {
    const owner = as(FINGERPRINT_A);
    for (let i = 0; i < 50; i++) await makeToken(server, owner, { name: `t${i}`, scopes: ["paste:create"] });
    const over = await call(server, "POST", "/tokens", {
      body: { name: "one more", scopes: ["paste:create"] },
      headers: owner,
    });
    assert.equal(over.status, 409);
    assert.equal(over.json.code, "token_limit");
  });

  it("ends the tokens of a certificate the PKI revoked", async () => {
    const t = await makeToken(server, user, { scopes: ["paste:create"] });
    assert.equal((await call(server, "POST", `/pki/revoke/${userSerial}`, { headers: admin })).status, 200);
    const r = await call(server, "POST", "/", { raw: "after revocation", headers: bearer(t.token) });
    assert.equal(r.status, 401);
    assert.equal(r.json.code, "invalid_token");
  });
});

describe("API tokens across two server processes", () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("a token revoked through one process is refused by the other on its next request", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sealbin-tokens-pair-"));
    dirs.push(dir);
    const pair = await spawnPair(dir, { SEALBIN_POW_DIFFICULTY: "0", SEALBIN_RATE_LIMIT: "0" });
    try {
      const a = { url: pair.urls[0] };
      const b = { url: pair.urls[1] };
      const owner = as(FINGERPRINT_A);
      const made = await call(a, "POST", "/tokens", {
        body: { name: "ci", scopes: ["paste:create"] },
        headers: owner,
      });
      assert.equal(made.status, 201);
      assert.equal(
        (await call(b, "POST", "/", { raw: "via b", headers: bearer(made.json.token) })).status,
        201,
      );
      assert.equal((await call(a, "DELETE", `/tokens/${made.json.id}`, { headers: owner })).status, 200);
      const r = await call(b, "POST", "/", { raw: "after", headers: bearer(made.json.token) });
      assert.equal(r.status, 401);
      assert.equal(r.json.code, "invalid_token");
    } finally {
      await pair.stop();
    }
  });
});

describe("API tokens of an image-store account", () => {
  let first: TestServer;
  before(async () => {
    first = await startServer();
  });
  after(async () => first?.close());

  it("an image-store account makes tokens with its JWT, and they paste as the account", async () => {
    const form = (f: Record<string, string>) => ({
      raw: new URLSearchParams(f).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    const account = { username: "tokenuser", password: "correct horse battery" };
    assert.equal(
      (await call(first, "POST", "/api/v1/auth/register", form({ ...account, publicKey: "27977 9431" })))
        .status,
      201,
    );
    const login = await call(first, "POST", "/api/v1/auth/login", form(account));
    const jwt = login.json.access_token as string;
    const t = await makeToken(first, bearer(jwt), { scopes: ["paste:create", "paste:read-own"] });
    const created = await call(first, "POST", "/", { raw: "account paste", headers: bearer(t.token) });
    assert.equal(created.status, 201);
    const listed = await call(first, "GET", "/pastes", { headers: bearer(jwt) });
    assert.ok(listed.json.pastes.some((p: { id: string }) => p.id === created.json.id));
  });
});

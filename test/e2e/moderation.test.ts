import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { sweepExpired } from "../../src/features/ops/sweep.usecases.ts";
import { postgresUnderTest } from "../helpers/database.ts";
import {
  createdId,
  createPaste,
  FINGERPRINT_A,
  FINGERPRINT_B,
  solvedPowHeaders,
  startServer,
  type TestServer,
} from "../helpers/server.ts";

/**
 * Moderation (docs/moderation.md) against the real server: reports, quarantine, same source, the
 * blocklist, the write switch and the audit trail. The admin is the PKI's first registrant.
 */

const PKI = { pkiEnabled: true, pkiCaPassword: "ca-password", registrationEnabled: true, registerPow: 0 };
const as = (fingerprint: string) => ({ "x-ssl-client-sha1": fingerprint });
const QUARANTINED = { error: "Unavailable for legal reasons", code: "quarantined" };
const BLOCKED = { error: "Content blocked", code: "blocked" };

async function call(
  server: TestServer,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  return { res, status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** Registers the first PKI user, who is the admin; its certificate fingerprint identifies it. */
async function registerAdmin(server: TestServer): Promise<Record<string, string>> {
  const { status, json } = await call(server, "POST", "/register", { body: { common_name: "moderator" } });
  assert.equal(status, 201);
  assert.equal(json.is_admin, true);
  return as(json.fingerprint_sha1);
}

/** A server with PKI for the describe block it is called in, and its admin's headers once started. */
function withAdminServer(set: (server: TestServer, admin: Record<string, string>) => void): void {
  let server: TestServer | undefined;
  before(async () => {
    server = await startServer(PKI);
    set(server, await registerAdmin(server));
  });
  after(async () => server?.close());
}

const sha256 = (bytes: string | Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("reports", () => {
  let server: TestServer;
  let admin: Record<string, string>;
  withAdminServer((s, a) => {
    server = s;
    admin = a;
  });

  const report = (body: unknown, headers: Record<string, string> = {}) =>
    call(server, "POST", "/report", { body, headers });

  it("a report of a paste URL is received, and keeps the key only when the URL carries one", async () => {
    const id = await createdId(server, "spam spam spam");
    const withKey = await report({ url: `${server.url}/${id}#s3cr3t-key`, reason: "spam", details: "ads" });
    assert.equal(withKey.status, 201);
    assert.deepEqual(Object.keys(withKey.json).sort(), ["id", "message"]);
    assert.equal(withKey.json.message, "Report received");
    assert.match(withKey.json.id, /^[0-9a-f]{16}$/);
    const without = await report({ url: `${server.url}/${id}/raw`, reason: "malware" });
    assert.equal(without.status, 201);

    const listed = await call(server, "GET", "/admin/reports", { headers: admin });
    assert.equal(listed.status, 200);
    const byId = new Map(listed.json.reports.map((r: { id: string }) => [r.id, r]));
    const first = byId.get(withKey.json.id) as Record<string, unknown>;
    assert.equal(first.key, "s3cr3t-key");
    assert.equal(first.kind, "paste");
    assert.equal(first.target, id);
    assert.equal(first.url, `/${id}`);
    assert.equal(first.reason, "spam");
    assert.equal(first.details, "ads");
    assert.equal(first.state, "open");
    const second = byId.get(without.json.id) as Record<string, unknown>;
    assert.equal("key" in second, false, "no key when the reporter shared none");
    assert.equal(second.details, "");
  });

  it("a short URL can be reported", async () => {
    const short = await call(server, "POST", "/s", { body: { url: "https://example.com/phish" } });
    const res = await report({ url: `${server.url}/s/${short.json.id}`, reason: "phishing" });
    assert.equal(res.status, 201);
    const listed = await call(server, "GET", "/admin/reports?state=open", { headers: admin });
    const found = listed.json.reports.find((r: { id: string }) => r.id === res.json.id);
    assert.equal(found.kind, "short");
    assert.equal(found.url, `/s/${short.json.id}`);
  });

  it("bad reports are refused with 400 and the message that says why", async () => {
    const id = await createdId(server, "reported");
    const url = `${server.url}/${id}`;
    const cases: [unknown, string][] = [
      [{ url, reason: "boring" }, "Invalid report reason"],
      [{ url, reason: 7 }, "Invalid report reason"],
      [{ url }, "Invalid report reason"],
      [
        { url: `https://elsewhere.example/${id}`, reason: "spam" },
        "Report URL must be a paste or short URL of this server",
      ],
      [
        { url: `${server.url}/pastes`, reason: "spam" },
        "Report URL must be a paste or short URL of this server",
      ],
      [{ url: "not a url", reason: "spam" }, "Report URL must be a paste or short URL of this server"],
      [
        { url: `javascript:alert(1)//${id}`, reason: "spam" },
        "Report URL must be a paste or short URL of this server",
      ],
      [{ url, reason: "spam", details: "x".repeat(2001) }, "Report details must be at most 2000 characters"],
      [{ url, reason: "spam", details: 5 }, "Report details must be at most 2000 characters"],
      [[url], "Report body must be a JSON object with url and reason"],
      [{ reason: "spam" }, "Report body must be a JSON object with url and reason"],
    ];
    for (const [body, error] of cases) {
      const res = await report(body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      assert.deepEqual(res.json, { error, code: "invalid_report" });
    }
    const typed = await fetch(`${server.url}/report`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ url, reason: "spam" }),
    });
    assert.equal(typed.status, 415, "JSON only");
    assert.equal((await typed.json()).code, "unsupported_media_type");
    const exactly = await report({ url, reason: "other", details: "é".repeat(2000) });
    assert.equal(exactly.status, 201, "2,000 characters are allowed");
  });

  it("a report of a paste that does not exist is a 404", async () => {
    const res = await report({ url: `${server.url}/${"0".repeat(12)}`, reason: "spam" });
    assert.equal(res.status, 404);
    assert.equal(res.json.code, "paste_not_found");
    const short = await report({ url: `${server.url}/s/NoSuchOne`, reason: "spam" });
    assert.equal(short.status, 404);
    assert.equal(short.json.code, "short_url_not_found");
  });

  it("dismissing a report marks it dismissed; deleting it removes it and its key", async () => {
    const id = await createdId(server, "fine content");
    const made = await report({ url: `${server.url}/${id}#the-key`, reason: "other" });
    const dismissed = await call(server, "POST", `/admin/reports/${made.json.id}/dismiss`, {
      headers: admin,
    });
    assert.equal(dismissed.status, 200);
    assert.deepEqual(dismissed.json, { id: made.json.id, state: "dismissed", message: "Report dismissed" });
    const stored = await server.store.moderation.findReport(made.json.id);
    assert.equal(stored?.state, "dismissed");
    assert.equal(stored?.resolvedBy, admin["x-ssl-client-sha1"]);
    const list = await call(server, "GET", "/admin/reports?state=dismissed", { headers: admin });
    assert.ok(list.json.reports.some((r: { id: string }) => r.id === made.json.id));
    const deleted = await call(server, "DELETE", `/admin/reports/${made.json.id}`, { headers: admin });
    assert.deepEqual(deleted.json, { message: "Report deleted" });
    assert.equal(await server.store.moderation.findReport(made.json.id), undefined);
    const again = await call(server, "POST", `/admin/reports/${made.json.id}/dismiss`, { headers: admin });
    assert.equal(again.status, 404);
    assert.deepEqual(again.json, { error: "Report not found", code: "report_not_found" });
  });

  it("the sweep deletes reports whose paste is gone and resolved ones past their retention", async () => {
    const gone = await createdId(server, "deleted soon", as(FINGERPRINT_A));
    const orphan = await report({ url: `${server.url}/${gone}#k`, reason: "spam" });
    const kept = await createdId(server, "kept");
    const resolved = await report({ url: `${server.url}/${kept}`, reason: "spam" });
    const open = await report({ url: `${server.url}/${kept}`, reason: "other" });
    await call(server, "POST", `/admin/reports/${resolved.json.id}/dismiss`, { headers: admin });
    await call(server, "DELETE", `/${gone}`, { headers: as(FINGERPRINT_A) });
    await sweepExpired(server);
    assert.equal(await server.store.moderation.findReport(orphan.json.id), undefined, "its paste is gone");
    assert.ok(await server.store.moderation.findReport(resolved.json.id), "resolved just now: kept");
    server.clock.advanceSeconds(31 * 86_400);
    await sweepExpired(server);
    assert.equal(await server.store.moderation.findReport(resolved.json.id), undefined);
    // The paste itself expired meanwhile, so its open report went with it.
    assert.equal(await server.store.moderation.findReport(open.json.id), undefined);
  });

  it("every admin endpoint answers 401 to the unidentified and 403 to a non-admin", async () => {
    const id = await createdId(server, "x");
    const routes: [string, string, unknown?][] = [
      ["GET", "/admin/reports"],
      ["POST", "/admin/reports/0123456789abcdef/dismiss"],
      ["DELETE", "/admin/reports/0123456789abcdef"],
      ["POST", `/admin/pastes/${id}/quarantine`],
      ["POST", `/admin/pastes/${id}/release`],
      ["GET", `/admin/pastes/${id}`],
      ["POST", "/admin/s/AbCdEfGh/quarantine"],
      ["POST", "/admin/s/AbCdEfGh/release"],
      ["GET", "/admin/s/AbCdEfGh"],
      ["POST", "/admin/blocklist", { paste: id }],
      ["GET", "/admin/blocklist"],
      ["DELETE", `/admin/blocklist/${"a".repeat(64)}`],
      ["GET", "/admin/writes"],
      ["PUT", "/admin/writes", { mode: "closed" }],
    ];
    for (const [method, path, body] of routes) {
      const anonymous = await call(server, method, path, { body });
      assert.equal(anonymous.status, 401, `${method} ${path}`);
      assert.deepEqual(anonymous.json, { error: "Authentication required", code: "authentication_required" });
      const plain = await call(server, method, path, { body, headers: as(FINGERPRINT_B) });
      assert.equal(plain.status, 403, `${method} ${path}`);
      assert.deepEqual(plain.json, { error: "Admin access required", code: "admin_required" });
    }
    assert.equal((await call(server, "GET", "/admin/writes", { headers: admin })).json.mode, "open");
  });
});

describe("proof-of-work on reports", () => {
  it("a report needs a solved challenge when proof-of-work is on", async () => {
    const server = await startServer({ powDifficulty: 8 });
    try {
      const id = await createdId(server, "x", await solvedPowHeaders(server));
      const body = { url: `${server.url}/${id}`, reason: "spam" };
      const bare = await call(server, "POST", "/report", { body });
      assert.equal(bare.status, 400);
      assert.equal(bare.json.code, "pow_required");
      const solved = await call(server, "POST", "/report", { body, headers: await solvedPowHeaders(server) });
      assert.equal(solved.status, 201);
    } finally {
      await server.close();
    }
  });
});

describe("quarantine", () => {
  let server: TestServer;
  let admin: Record<string, string>;
  withAdminServer((s, a) => {
    server = s;
    admin = a;
  });

  const quarantine = (id: string, query = "") =>
    call(server, "POST", `/admin/pastes/${id}/quarantine${query}`, { headers: admin });

  async function assertUnavailable(id: string, headers: Record<string, string> = {}) {
    for (const [method, path] of [
      ["GET", `/${id}`],
      ["GET", `/${id}/raw`],
    ] as const) {
      const res = await fetch(`${server.url}${path}`, { method, headers });
      assert.equal(res.status, 451, `${method} ${path}`);
      assert.deepEqual(await res.json(), QUARANTINED);
    }
    for (const path of [`/${id}`, `/${id}/raw`]) {
      const res = await fetch(`${server.url}${path}`, { method: "HEAD", headers });
      assert.equal(res.status, 451, `HEAD ${path}`);
    }
  }

  it("a quarantined paste answers every reader 451, and is readable again once released", async () => {
    const id = await createdId(server, "illegal content");
    const made = await call(server, "POST", "/report", {
      body: { url: `${server.url}/${id}`, reason: "illegal" },
    });
    const res = await quarantine(id, `?report=${made.json.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { message: "Paste quarantined", quarantined: [id] });
    await assertUnavailable(id);

    const info = await call(server, "GET", `/admin/pastes/${id}`, { headers: admin });
    assert.equal(info.status, 200);
    assert.equal(info.json.quarantined, true);
    assert.equal(typeof info.json.quarantined_at, "number");
    assert.equal(info.json.sha256, sha256("illegal content"));
    assert.deepEqual(info.json.reports, [made.json.id]);
    assert.equal(info.json.source_recorded, false, "recording is off by default");
    assert.equal((await server.store.moderation.findReport(made.json.id))?.state, "actioned");

    const released = await call(server, "POST", `/admin/pastes/${id}/release`, { headers: admin });
    assert.deepEqual(released.json, { message: "Paste released", id });
    assert.equal(await (await fetch(`${server.url}/${id}/raw`)).text(), "illegal content");
    const twice = await call(server, "POST", `/admin/pastes/${id}/release`, { headers: admin });
    assert.equal(twice.status, 409);
    assert.deepEqual(twice.json, { error: "Not quarantined", code: "not_quarantined" });
  });

  it("quarantine comes before the password check, and never burns", async () => {
    const locked = await createdId(server, "locked", { "x-paste-password": "pw" });
    const burn = await createdId(server, "burn me", { "x-burn-after-read": "true" });
    const big = await createdId(server, randomBytes(1024 * 1024 + 5), { "x-burn-after-read": "true" });
    for (const id of [locked, burn, big]) await quarantine(id);
    await assertUnavailable(locked);
    await assertUnavailable(locked, { "x-paste-password": "pw" });
    await assertUnavailable(burn);
    await assertUnavailable(big);
    for (const id of [burn, big])
      await call(server, "POST", `/admin/pastes/${id}/release`, { headers: admin });
    assert.equal(await (await fetch(`${server.url}/${burn}/raw`)).text(), "burn me", "still there to burn");
    assert.equal((await fetch(`${server.url}/${burn}/raw`)).status, 404, "burned by that read");
    assert.equal((await (await fetch(`${server.url}/${big}/raw`)).arrayBuffer()).byteLength, 1024 * 1024 + 5);
  });

  it("the owner cannot delete a quarantined paste; an admin can, and it is audited", async () => {
    const id = await createdId(server, "evidence", as(FINGERPRINT_A));
    await quarantine(id);
    const byOwner = await call(server, "DELETE", `/${id}`, { headers: as(FINGERPRINT_A) });
    assert.equal(byOwner.status, 451);
    assert.deepEqual(byOwner.json, QUARANTINED);
    const byAdmin = await call(server, "DELETE", `/${id}`, { headers: admin });
    assert.equal(byAdmin.status, 200);
    assert.equal((await call(server, "GET", `/admin/pastes/${id}`, { headers: admin })).status, 404);
    const audit = await call(server, "GET", "/audit", { headers: admin });
    const deleted = audit.json.events.find((e: { event: string }) => e.event === "ADMIN_DELETED");
    assert.deepEqual(deleted.detail, { kind: "paste", target: id });
    assert.equal(deleted.actor, admin["x-ssl-client-sha1"]);
  });

  it("a quarantined paste outlives its expiry for the admin, and the sweep keeps it", async () => {
    const id = await createdId(server, "expiring", { "x-expiry": "60" });
    await quarantine(id);
    server.clock.advanceSeconds(120);
    await sweepExpired(server);
    await assertUnavailable(id);
    assert.equal((await call(server, "GET", `/admin/pastes/${id}`, { headers: admin })).status, 200);
    await call(server, "POST", `/admin/pastes/${id}/release`, { headers: admin });
    assert.equal((await fetch(`${server.url}/${id}`)).status, 404, "released, it is expired");
    await sweepExpired(server);
    assert.equal((await call(server, "GET", `/admin/pastes/${id}`, { headers: admin })).status, 404);
  });

  it("quarantining what does not exist is a 404; a malformed report id too", async () => {
    const missing = await quarantine("0".repeat(12));
    assert.equal(missing.status, 404);
    assert.equal(missing.json.code, "paste_not_found");
    assert.equal((await quarantine("../etc")).status, 404);
    const id = await createdId(server, "x");
    const badReport = await quarantine(id, "?report=ffffffffffffffff");
    assert.equal(badReport.status, 404);
    assert.equal(badReport.json.code, "report_not_found");
    assert.equal((await fetch(`${server.url}/${id}/raw`)).status, 200, "nothing was done");
  });

  it("a quarantined short URL answers 451 instead of redirecting, until released", async () => {
    const short = await call(server, "POST", "/s", { body: { url: "https://example.com/bad" } });
    const id = short.json.id as string;
    const res = await call(server, "POST", `/admin/s/${id}/quarantine`, { headers: admin });
    assert.deepEqual(res.json, { message: "Short URL quarantined", quarantined: [id] });
    for (const path of [`/s/${id}`, `/s/${id}/info`]) {
      const follow = await fetch(`${server.url}${path}`, { redirect: "manual" });
      assert.equal(follow.status, 451, path);
      assert.deepEqual(await follow.json(), QUARANTINED);
    }
    const info = await call(server, "GET", `/admin/s/${id}`, { headers: admin });
    assert.equal(info.json.quarantined, true);
    assert.equal(info.json.target, "https://example.com/bad");
    await call(server, "POST", `/admin/s/${id}/release`, { headers: admin });
    const follow = await fetch(`${server.url}/s/${id}`, { redirect: "manual" });
    assert.equal(follow.status, 302);
    assert.equal(
      (await call(server, "POST", "/admin/s/NoSuchOne/quarantine", { headers: admin })).status,
      404,
    );
  });
});

describe("same source", () => {
  it("quarantines every live paste from the creator's address, recorded as a keyed hash only", async () => {
    const server = await startServer({ ...PKI, abuseRecordDays: 7, trustProxyHops: 1 });
    try {
      const admin = await registerAdmin(server);
      const from = (ip: string) => ({ "x-forwarded-for": ip });
      const a1 = await createdId(server, "spam one", from("198.51.100.7"));
      const a2 = await createdId(server, "spam two", from("198.51.100.7"));
      const other = await createdId(server, "innocent", from("203.0.113.9"));
      const info = await call(server, "GET", `/admin/pastes/${a1}`, { headers: admin });
      assert.equal(info.json.source_recorded, true);

      const plain = await call(server, "POST", `/admin/pastes/${a1}/quarantine`, { headers: admin });
      assert.deepEqual(plain.json.quarantined, [a1], "without same_source, only the paste");
      const res = await call(server, "POST", `/admin/pastes/${a1}/quarantine?same_source=1`, {
        headers: admin,
      });
      assert.deepEqual(res.json.quarantined, [a1, a2]);
      assert.equal((await fetch(`${server.url}/${a2}/raw`)).status, 451);
      assert.equal((await fetch(`${server.url}/${other}/raw`)).status, 200);

      if (!postgresUnderTest()) {
        const file = readFileSync(server.config.db).toString("latin1");
        assert.equal(file.includes("198.51.100.7"), false, "the address itself is never stored");
      }
      // After ABUSE_RECORD_DAYS the record is cleared: the paste no longer names its source.
      server.clock.advanceSeconds(8 * 86_400);
      await sweepExpired(server);
      const after = await call(server, "GET", `/admin/pastes/${a1}`, { headers: admin });
      assert.equal(after.json.source_recorded, false);
    } finally {
      await server.close();
    }
  });
});

describe("blocklist", () => {
  let server: TestServer;
  let admin: Record<string, string>;
  withAdminServer((s, a) => {
    server = s;
    admin = a;
  });

  it("blocking a paste's hash quarantines it and refuses identical uploads before they are stored", async () => {
    const content = `blocked bytes ${randomBytes(8).toString("hex")}`;
    const first = await createdId(server, content);
    const second = await createdId(server, content);
    const blocked = await call(server, "POST", "/admin/blocklist", {
      body: { paste: first },
      headers: admin,
    });
    assert.equal(blocked.status, 201);
    assert.equal(blocked.json.sha256, sha256(content));
    assert.equal(blocked.json.message, "Content blocked");
    assert.deepEqual([...blocked.json.quarantined].sort(), [first, second].sort());
    for (const id of [first, second]) assert.equal((await fetch(`${server.url}/${id}/raw`)).status, 451);

    const before = (await server.store.pastes.listPastes(null, 0, 500, 0)).total;
    for (const headers of [{}, as(FINGERPRINT_A), { "content-type": "application/json" }] as Record<
      string,
      string
    >[]) {
      const body = "content-type" in headers ? JSON.stringify({ content }) : content;
      const again = await createPaste(server, body, headers);
      assert.equal(again.res.status, 451);
      assert.deepEqual(again.json, BLOCKED);
    }
    assert.equal((await server.store.pastes.listPastes(null, 0, 500, 0)).total, before, "nothing stored");
    assert.equal((await createPaste(server, `${content}!`)).res.status, 201, "other bytes are fine");
  });

  it("a large blocked upload is refused and leaves no chunks behind", async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17);
    const blocked = await call(server, "POST", "/admin/blocklist", {
      body: { sha256: sha256(big).toUpperCase() },
      headers: admin,
    });
    assert.equal(blocked.status, 201);
    assert.equal(blocked.json.sha256, sha256(big), "stored in lower case");
    const res = await createPaste(server, big, as(FINGERPRINT_A));
    assert.equal(res.res.status, 451);
    assert.deepEqual(res.json, BLOCKED);
    server.clock.advanceSeconds(3600);
    assert.equal((await sweepExpired(server)).blobs, 0, "its chunks were deleted at once");
  });

  it("lists, removes and refuses bad blocks", async () => {
    const hash = sha256("to be unblocked");
    server.clock.advanceSeconds(1);
    await call(server, "POST", "/admin/blocklist", { body: { sha256: hash }, headers: admin });
    const list = await call(server, "GET", "/admin/blocklist?limit=1", { headers: admin });
    assert.equal(list.status, 200);
    assert.equal(list.json.blocklist[0].sha256, hash, "newest first");
    assert.equal(list.json.blocklist[0].created_by, admin["x-ssl-client-sha1"]);
    assert.equal(list.json.limit, 1);
    assert.ok(list.json.total >= 1);
    assert.equal((await createPaste(server, "to be unblocked")).res.status, 451);
    const removed = await call(server, "DELETE", `/admin/blocklist/${hash}`, { headers: admin });
    assert.deepEqual(removed.json, { message: "Block removed" });
    assert.equal((await createPaste(server, "to be unblocked")).res.status, 201);
    const unknown = await call(server, "DELETE", `/admin/blocklist/${hash}`, { headers: admin });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.json, { error: "Block not found", code: "block_not_found" });

    for (const body of [
      {},
      { sha256: "abc" },
      { sha256: hash, paste: "x" },
      { paste: 5 },
      [hash],
      { sha256: hash, report: 3 },
    ]) {
      const bad = await call(server, "POST", "/admin/blocklist", { body, headers: admin });
      assert.equal(bad.status, 400, JSON.stringify(body));
      assert.equal(bad.json.code, "invalid_block");
    }
    const missing = await call(server, "POST", "/admin/blocklist", {
      body: { paste: "0".repeat(12) },
      headers: admin,
    });
    assert.equal(missing.status, 404);
  });
});

describe("the write switch", () => {
  it("identified refuses anonymous creates with 403, closed refuses every create with 503; reads go on", async () => {
    const server = await startServer(PKI);
    try {
      const admin = await registerAdmin(server);
      const existing = await createdId(server, "readable");
      assert.equal((await call(server, "GET", "/")).json.writes, "open");

      const set = await call(server, "PUT", "/admin/writes", {
        body: { mode: "identified" },
        headers: admin,
      });
      assert.deepEqual(set.json, { mode: "identified", message: "Write mode changed" });
      assert.equal((await call(server, "GET", "/")).json.writes, "identified");
      const anonymous = await createPaste(server, "hello");
      assert.equal(anonymous.res.status, 403);
      assert.deepEqual(anonymous.json, {
        error: "Anonymous pastes are disabled on this server",
        code: "writes_identified",
      });
      const short = await call(server, "POST", "/s", { body: { url: "https://example.com/" } });
      assert.equal(short.status, 403);
      assert.equal(short.json.code, "writes_identified");
      assert.equal((await createPaste(server, "hello", as(FINGERPRINT_A))).res.status, 201);

      await call(server, "PUT", "/admin/writes", { body: { mode: "closed" }, headers: admin });
      for (const headers of [{}, as(FINGERPRINT_A), admin]) {
        const closed = await createPaste(server, "hello", headers);
        assert.equal(closed.res.status, 503);
        assert.equal(closed.res.headers.get("retry-after"), "600");
        assert.deepEqual(closed.json, { error: "This server is read-only for now", code: "writes_closed" });
      }
      const closedShort = await call(server, "POST", "/s", { body: { url: "https://example.com/" } });
      assert.equal(closedShort.status, 503);
      assert.equal(await (await fetch(`${server.url}/${existing}/raw`)).text(), "readable");
      assert.equal(
        (
          await call(server, "POST", "/report", {
            body: { url: `${server.url}/${existing}`, reason: "spam" },
          })
        ).status,
        201,
      );
      assert.equal((await call(server, "GET", "/admin/writes", { headers: admin })).json.mode, "closed");

      const bad = await call(server, "PUT", "/admin/writes", { body: { mode: "shut" }, headers: admin });
      assert.equal(bad.status, 400);
      await call(server, "PUT", "/admin/writes", { body: { mode: "open" }, headers: admin });
      assert.equal((await createPaste(server, "hello again")).res.status, 201);

      const audit = await call(server, "GET", "/audit", { headers: admin });
      const modes = audit.json.events
        .filter((e: { event: string }) => e.event === "WRITES_CHANGED")
        .map((e: { detail: { mode: string } }) => e.detail.mode);
      assert.deepEqual(modes, ["open", "closed", "identified"], "newest first");
    } finally {
      await server.close();
    }
  });

  it("the runtime mode survives a restart; a changed SEALBIN_WRITES takes over", async () => {
    const first = await startServer(PKI);
    const db = first.config.db;
    const admin = await registerAdmin(first);
    await call(first, "PUT", "/admin/writes", { body: { mode: "closed" }, headers: admin });
    await first.app.close();
    await first.store.close();
    const same = await startServer({ ...PKI, db });
    try {
      assert.equal((await call(same, "GET", "/")).json.writes, "closed", "the admin's choice stays");
    } finally {
      await same.app.close();
      await same.store.close();
    }
    const changed = await startServer({ ...PKI, db, writes: "identified" });
    try {
      assert.equal((await call(changed, "GET", "/")).json.writes, "identified", "the new configuration wins");
    } finally {
      await changed.close();
    }
  });
});

describe("the audit trail of moderation", () => {
  it("records who did what to which target for which report, and logs no key", async () => {
    const server = await startServer(PKI);
    try {
      const admin = await registerAdmin(server);
      const id = await createdId(server, "audited");
      const made = await call(server, "POST", "/report", {
        body: {
          url: `${server.url}/${id}#do-not-log-this-key`,
          reason: "copyright",
          details: "private words",
        },
      });
      await call(server, "POST", `/admin/pastes/${id}/quarantine?report=${made.json.id}`, { headers: admin });
      await call(server, "POST", `/admin/pastes/${id}/release`, { headers: admin });
      await call(server, "POST", "/admin/blocklist", {
        body: { paste: id, report: made.json.id },
        headers: admin,
      });
      await call(server, "DELETE", `/admin/blocklist/${sha256("audited")}`, { headers: admin });
      await call(server, "POST", `/admin/reports/${made.json.id}/dismiss`, { headers: admin });
      const { json } = await call(server, "GET", "/audit", { headers: admin });
      const events = json.events.filter(
        (e: { event: string }) => e.event !== "REGISTRATION" && e.event !== "CA_CREATED",
      );
      assert.deepEqual(
        events
          .map((e: { event: string; actor: string; detail: unknown }) => [e.event, e.actor, e.detail])
          .reverse(),
        [
          [
            "PASTE_QUARANTINED",
            admin["x-ssl-client-sha1"],
            { target: id, report: made.json.id, same_source: false, count: 1 },
          ],
          ["PASTE_RELEASED", admin["x-ssl-client-sha1"], { target: id }],
          [
            "CONTENT_BLOCKED",
            admin["x-ssl-client-sha1"],
            { sha256: sha256("audited"), report: made.json.id, count: 1 },
          ],
          ["CONTENT_UNBLOCKED", admin["x-ssl-client-sha1"], { sha256: sha256("audited") }],
          ["REPORT_DISMISSED", admin["x-ssl-client-sha1"], { report: made.json.id }],
        ],
      );
      const logged = JSON.stringify(server.logs);
      assert.equal(logged.includes("do-not-log-this-key"), false);
      assert.equal(logged.includes("private words"), false);
    } finally {
      await server.close();
    }
  });
});

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { decryptKey } from "../../src/features/pki/pki.crypto.ts";
import {
  createdId,
  createPaste,
  jsonOf,
  solvedPowHeaders,
  startServer,
  type TestServer,
} from "../helpers/server.ts";

const PKI = { pkiEnabled: true, pkiCaPassword: "ca-password", registrationEnabled: true, registerPow: 0 };

async function post(server: TestServer, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { res, json: await jsonOf(res) };
}

const as = (fingerprint: string) => ({ "x-ssl-client-sha1": fingerprint });

describe("the PKI disabled", () => {
  it("says so, and its endpoints answer 404", async () => {
    const server = await startServer();
    try {
      assert.deepEqual(await jsonOf(await fetch(`${server.url}/pki`)), { enabled: false });
      const { res, json } = await post(server, "/pki/ca", { common_name: "x" });
      assert.equal(res.status, 404);
      assert.deepEqual(json, { error: "PKI not enabled", code: "pki_disabled" });
      const crt = await fetch(`${server.url}/pki/ca.crt`);
      assert.equal(crt.status, 404);
      assert.deepEqual(await jsonOf(crt), { error: "PKI not enabled", code: "pki_disabled" });
      assert.equal((await post(server, "/register", {})).res.status, 404);
    } finally {
      await server.close();
    }
  });
});

describe("the built-in PKI", () => {
  let server: TestServer;
  let admin: Record<string, unknown>;
  let user: Record<string, unknown>;
  const dir = mkdtempSync(join(tmpdir(), "sealbin-pki-"));
  before(async () => {
    server = await startServer(PKI);
  });
  after(async () => {
    await server.close();
  });

  it("reports no CA yet, then generates one once", async () => {
    assert.deepEqual(await jsonOf(await fetch(`${server.url}/pki`)), {
      enabled: true,
      ca_exists: false,
      hint: "POST /pki/ca to generate CA",
    });
    assert.deepEqual(await jsonOf(await fetch(`${server.url}/pki/ca.crt`)), {
      error: "CA not initialized",
      code: "ca_not_initialized",
      hint: "POST /pki/ca to generate CA",
    });
    const { res, json } = await post(server, "/pki/ca", { common_name: "My Paste CA" });
    assert.equal(res.status, 201);
    assert.equal(json.message, "CA generated");
    assert.equal(json.common_name, "My Paste CA");
    assert.match(json.fingerprint_sha1, /^[0-9a-f]{40}$/);
    assert.equal(json.download, "/pki/ca.crt");
    assert.equal(json.expires_at - json.created_at, 3650 * 86400);
    const again = await post(server, "/pki/ca", { common_name: "Another" });
    assert.equal(again.res.status, 409);
    assert.deepEqual(again.json, { error: "CA already exists", code: "ca_exists" });
    const status = await jsonOf(await fetch(`${server.url}/pki`));
    assert.equal(status.key_algorithm, "ec:secp384r1");
    assert.equal(status.fingerprint_sha1, json.fingerprint_sha1);
  });

  it("serves the CA certificate as PEM, which openssl reads", async () => {
    const res = await fetch(`${server.url}/pki/ca.crt`);
    assert.equal(res.headers.get("content-type"), "application/x-pem-file");
    const pem = await res.text();
    assert.match(pem, /^-----BEGIN CERTIFICATE-----/);
    writeFileSync(join(dir, "ca.crt"), pem);
    const text = execFileSync("openssl", ["x509", "-in", join(dir, "ca.crt"), "-noout", "-text"], {
      encoding: "utf8",
    });
    assert.match(text, /CA:TRUE/);
    assert.match(text, /Subject: CN ?= ?My Paste CA/);
  });

  it("keeps the CA key encrypted: useless without the password", async () => {
    const ca = await server.store.pki.getCa();
    assert.ok(ca);
    assert.ok(!ca.encryptedKey.includes("PRIVATE KEY"));
    await assert.rejects(decryptKey(ca.encryptedKey, "wrong password"));
    assert.match(await decryptKey(ca.encryptedKey, "ca-password"), /BEGIN PRIVATE KEY/);
  });

  it("registers the first user as admin and later ones as plain users, with clientAuth certificates", async () => {
    const first = await post(server, "/register", { common_name: "alice" });
    assert.equal(first.res.status, 201);
    admin = first.json;
    assert.equal(admin.is_admin, true);
    assert.equal(admin.common_name, "alice");
    assert.match(String(admin.serial), /^[0-9a-f]{32}$/);
    assert.match(String(admin.private_key_pem), /^-----BEGIN PRIVATE KEY-----/);
    const second = await post(server, "/register", { common_name: "bob" });
    user = second.json;
    assert.equal(user.is_admin, false);

    writeFileSync(join(dir, "bob.crt"), String(user.certificate_pem));
    const verified = execFileSync(
      "openssl",
      ["verify", "-CAfile", join(dir, "ca.crt"), join(dir, "bob.crt")],
      {
        encoding: "utf8",
      },
    );
    assert.match(verified, /OK/);
    const text = execFileSync(
      "openssl",
      ["x509", "-in", join(dir, "bob.crt"), "-noout", "-text", "-fingerprint", "-sha1"],
      {
        encoding: "utf8",
      },
    );
    assert.match(text, /TLS Web Client Authentication/);
    const fingerprint = /sha1 Fingerprint=([0-9A-F:]+)/i.exec(text)?.[1]?.replaceAll(":", "").toLowerCase();
    assert.equal(
      fingerprint,
      user.fingerprint_sha1,
      "the fingerprint is the certificate's SHA1, as nginx reports it",
    );
  });

  it("gives a PKI-issued certificate the trusted tier: 30-day default expiry", async () => {
    const { json } = await createPaste(server, "trusted", as(String(user.fingerprint_sha1)));
    const paste = await server.store.pastes.findPaste(json.id, 0);
    assert.equal(paste?.idleTtl, 30 * 86400);
    const untrusted = await createPaste(server, "self-signed", as("e".repeat(40)));
    assert.equal((await server.store.pastes.findPaste(untrusted.json.id, 0))?.idleTtl, 7 * 86400);
  });

  it("lets only an admin issue certificates through /pki/issue", async () => {
    const anon = await post(server, "/pki/issue", { common_name: "carol" });
    assert.equal(anon.res.status, 401);
    assert.deepEqual(anon.json, { error: "Authentication required", code: "authentication_required" });
    const plain = await post(
      server,
      "/pki/issue",
      { common_name: "carol" },
      as(String(user.fingerprint_sha1)),
    );
    assert.equal(plain.res.status, 403);
    assert.deepEqual(plain.json, { error: "Admin access required", code: "admin_required" });
    const missing = await post(server, "/pki/issue", {}, as(String(admin.fingerprint_sha1)));
    assert.equal(missing.res.status, 400);
    assert.deepEqual(missing.json, { error: "common_name required", code: "common_name_required" });
    const issued = await post(
      server,
      "/pki/issue",
      { common_name: "carol" },
      as(String(admin.fingerprint_sha1)),
    );
    assert.equal(issued.res.status, 201);
    assert.equal(issued.json.message, "Certificate issued");
    assert.equal(issued.json.common_name, "carol");
  });

  it("lists certificates: your own to you, all to an admin, none to the anonymous", async () => {
    const mine = await jsonOf(
      await fetch(`${server.url}/pki/certs`, { headers: as(String(user.fingerprint_sha1)) }),
    );
    assert.equal(mine.count, 1);
    assert.deepEqual(Object.keys(mine.certificates[0]).sort(), [
      "common_name",
      "created_at",
      "expires_at",
      "fingerprint_sha1",
      "issued_to",
      "serial",
      "status",
    ]);
    const all = await jsonOf(
      await fetch(`${server.url}/pki/certs`, { headers: as(String(admin.fingerprint_sha1)) }),
    );
    assert.equal(all.count, 3);
    assert.deepEqual(await jsonOf(await fetch(`${server.url}/pki/certs`)), { certificates: [], count: 0 });
  });

  it("lists the caller's pastes, and everyone's for an admin with ?all=1", async () => {
    const bob = as(String(user.fingerprint_sha1));
    await createPaste(server, "bob's second", bob);
    const list = await jsonOf(await fetch(`${server.url}/pastes?limit=1`, { headers: bob }));
    assert.equal(list.count, 1);
    assert.equal(list.total, 2);
    assert.equal(list.limit, 1);
    assert.equal(list.offset, 0);
    assert.deepEqual(Object.keys(list.pastes[0]).sort(), [
      "burn_after_read",
      "created_at",
      "expiry",
      "id",
      "idle_expires_at",
      "mime_type",
      "password_protected",
      "size",
    ]);
    assert.equal((await fetch(`${server.url}/pastes`)).status, 401);
    assert.equal((await fetch(`${server.url}/pastes?all=1`, { headers: bob })).status, 403);
    assert.equal((await fetch(`${server.url}/pastes?limit=501`, { headers: bob })).status, 400);
    const all = await jsonOf(
      await fetch(`${server.url}/pastes?all=1`, { headers: as(String(admin.fingerprint_sha1)) }),
    );
    assert.ok(all.total >= 3);
  });

  it("lets an admin delete any paste, and a stranger none", async () => {
    const id = await createdId(server, "bob's", as(String(user.fingerprint_sha1)));
    const stranger = await fetch(`${server.url}/${id}`, { method: "DELETE", headers: as("d".repeat(40)) });
    assert.equal(stranger.status, 403);
    const byAdmin = await fetch(`${server.url}/${id}`, {
      method: "DELETE",
      headers: as(String(admin.fingerprint_sha1)),
    });
    assert.equal(byAdmin.status, 200);
  });

  it("revokes: only the holder, its issuer or an admin; once; and a revoked certificate counts as anonymous", async () => {
    const serial = String(user.serial);
    const stranger = await post(server, `/pki/revoke/${serial}`, undefined, as("d".repeat(40)));
    assert.equal(stranger.res.status, 403);
    assert.deepEqual(stranger.json, { error: "Permission denied", code: "permission_denied" });
    assert.equal((await post(server, `/pki/revoke/${serial}`)).res.status, 401);
    const unknown = await post(
      server,
      `/pki/revoke/${"0".repeat(32)}`,
      undefined,
      as(String(admin.fingerprint_sha1)),
    );
    assert.equal(unknown.res.status, 404);
    assert.deepEqual(unknown.json, { error: "Certificate not found", code: "certificate_not_found" });
    const revoked = await post(server, `/pki/revoke/${serial}`, undefined, as(String(user.fingerprint_sha1)));
    assert.equal(revoked.res.status, 200);
    assert.deepEqual(revoked.json, { message: "Certificate revoked", serial });
    const again = await post(server, `/pki/revoke/${serial}`, undefined, as(String(admin.fingerprint_sha1)));
    assert.equal(again.res.status, 409);
    assert.deepEqual(again.json, {
      error: "Certificate already revoked",
      code: "certificate_already_revoked",
    });
    const { json } = await createPaste(server, "after revocation", as(String(user.fingerprint_sha1)));
    assert.ok(!("owner" in json), "a revoked certificate is anonymous");
  });

  it("publishes a signed CRL listing the revoked serial, which openssl verifies", async () => {
    const res = await fetch(`${server.url}/pki/crl`);
    assert.equal(res.status, 200);
    writeFileSync(join(dir, "crl.pem"), await res.text());
    const out = execFileSync(
      "openssl",
      ["crl", "-in", join(dir, "crl.pem"), "-CAfile", join(dir, "ca.crt"), "-noout", "-verify", "-text"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    assert.match(out, new RegExp(String(user.serial).replace(/^0+/, "").toUpperCase()));
  });

  it("keeps an audit trail that only an admin reads", async () => {
    const anonymous = await fetch(`${server.url}/audit`);
    assert.equal(anonymous.status, 401);
    assert.deepEqual(await jsonOf(anonymous), {
      error: "Authentication required",
      code: "authentication_required",
    });
    assert.equal((await fetch(`${server.url}/audit`, { headers: as("d".repeat(40)) })).status, 403);
    const audit = await jsonOf(
      await fetch(`${server.url}/audit?limit=100`, { headers: as(String(admin.fingerprint_sha1)) }),
    );
    const events = audit.events.map((e: { event: string }) => e.event);
    for (const e of ["CA_CREATED", "REGISTRATION", "CERT_ISSUED", "CERT_REVOKED", "AUTH_FAILURE"]) {
      assert.ok(events.includes(e), e);
    }
  });
  it("bundles each issued certificate as PKCS#12, under an empty password by default", async () => {
    const bad = await post(server, "/register", { common_name: "x", pkcs12_password: 42 });
    assert.equal(bad.res.status, 400);
    assert.deepEqual(bad.json, {
      error: "Invalid pkcs12_password: a string of at most 256 characters",
      code: "invalid_pkcs12_password",
    });
    const tooLong = await post(server, "/register", { common_name: "x", pkcs12_password: "p".repeat(257) });
    assert.equal(tooLong.res.status, 400);
    assert.equal(tooLong.json.code, "invalid_pkcs12_password");
    // A number is refused as what it is, not read as the text "42".
    const numeric = await post(server, "/register", { common_name: 42 });
    assert.equal(numeric.res.status, 400);
    assert.deepEqual(numeric.json, {
      error: "Invalid common_name: 1 to 64 printable characters",
      code: "invalid_common_name",
    });
    const notObject = await post(server, "/register", ["alice"]);
    assert.equal(notObject.res.status, 400);
    assert.equal(notObject.json.code, "invalid_request");

    const reg = await post(server, "/register", { common_name: "p12-user" });
    assert.equal(reg.res.status, 201);
    const p12 = join(dir, "p12-user.p12");
    writeFileSync(p12, Buffer.from(String(reg.json.pkcs12), "base64"));
    const pem = execFileSync("openssl", ["pkcs12", "-in", p12, "-passin", "pass:", "-nodes"], {
      encoding: "utf8",
    });
    const body = String(reg.json.certificate_pem).replace(/-----[A-Z ]+-----|\s/g, "");
    assert.ok(pem.replace(/-----[A-Z ]+-----|\s/g, "").includes(body));
    assert.match(pem, /BEGIN PRIVATE KEY/);
    assert.throws(() =>
      execFileSync("openssl", ["pkcs12", "-in", p12, "-passin", "pass:wrong", "-nodes"], { stdio: "ignore" }),
    );
  });
});

describe("registration", () => {
  it("is off unless REGISTRATION_ENABLED, and needs the registration proof-of-work", async () => {
    const closed = await startServer({ ...PKI, registrationEnabled: false });
    try {
      const { res, json } = await post(closed, "/register", { common_name: "x" });
      assert.equal(res.status, 403);
      assert.deepEqual(json, { error: "Registration disabled", code: "registration_disabled" });
    } finally {
      await closed.close();
    }
    const server = await startServer({ ...PKI, registerPow: 10, powDifficulty: 4 });
    try {
      const challenge = await jsonOf(await fetch(`${server.url}/register/challenge`));
      assert.equal(challenge.difficulty, 10);
      const none = (await post(server, "/register", {})).json;
      assert.equal(none.error, "Proof-of-work required");
      assert.equal(none.code, "pow_required");
      const pasteHeaders = await solvedPowHeaders(server);
      const weak = await post(server, "/register", {}, pasteHeaders);
      assert.equal(
        weak.json.error,
        "Proof-of-work failed: Difficulty too low, the required difficulty has risen",
      );
      assert.equal(weak.json.code, "pow_difficulty_risen");
      const { solvePow } = await import("../../src/protocol/pow.ts");
      const headers = {
        "x-pow-token": challenge.token,
        "x-pow-solution": String(solvePow(challenge.nonce, 10)),
      };
      const ok = await post(server, "/register", {}, headers);
      assert.equal(ok.res.status, 201, "the CA is created on first registration");
      assert.match(String(ok.json.common_name), /^client-/);
    } finally {
      await server.close();
    }
  });

  it("refuses to start with the PKI on and no CA password", async () => {
    await assert.rejects(startServer({ pkiEnabled: true, pkiCaPassword: "" }));
  });
});

describe("proxy secret auditing", () => {
  it("records a fingerprint sent with a wrong proxy secret as an authentication failure", async () => {
    const server = await startServer({ ...PKI, proxySecret: "s3cret" });
    try {
      await fetch(`${server.url}/`, { headers: { ...as("a".repeat(40)), "x-proxy-secret": "nope" } });
      const events = await server.store.pki.listAudit(10, 0);
      assert.deepEqual(
        events.items.map((e) => [e.event, e.detail.reason]),
        [["AUTH_FAILURE", "proxy secret mismatch"]],
      );
    } finally {
      await server.close();
    }
  });
});

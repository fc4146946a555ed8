import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { PeerCertificate, TLSSocket } from "node:tls";
import { type ServerProcess, serverCert, spawnServer } from "../helpers/process.ts";

interface TlsClient {
  ca: string;
  pfx?: Buffer;
  passphrase?: string;
  cert?: string;
  key?: string;
}

interface TlsResponse {
  status: number;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
  json: any;
  serverCert: PeerCertificate;
}

/** One HTTPS request on a fresh connection (no agent: each request does its own handshake). */
function tlsRequest(
  url: string,
  client: TlsClient,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<TlsResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${options.path ?? "/"}`,
      {
        method: options.method ?? "GET",
        headers: options.headers ?? {},
        agent: false,
        ca: client.ca,
        ...(client.pfx ? { pfx: client.pfx, passphrase: client.passphrase ?? "" } : {}),
        ...(client.cert ? { cert: client.cert, key: client.key } : {}),
      },
      (res) => {
        const serverCert = (res.socket as TLSSocket).getPeerCertificate();
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          body += d;
        });
        res.on("end", () => {
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body, json, serverCert });
        });
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** A self-signed EC certificate made by openssl: DIR/NAME.key and DIR/NAME.crt. */
function selfSigned(dir: string, name: string, commonName: string, extra: string[] = []) {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  const args = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  args.push("-keyout", key, "-out", cert, "-days", "1", "-subj", `/CN=${commonName}`, ...extra);
  execFileSync("openssl", args, { stdio: "ignore" });
  return { key, cert };
}

const BASE = {
  SEALBIN_PKI_ENABLED: "1",
  SEALBIN_PKI_CA_PASSWORD: "ca-password",
  SEALBIN_REGISTRATION_ENABLED: "1",
  SEALBIN_REGISTER_POW: "0",
  SEALBIN_POW_DIFFICULTY: "0",
  SEALBIN_RATE_LIMIT: "0",
};

describe("sealbin terminating mTLS itself", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealbin-mtls-"));
  const tlsDir = join(dir, "tls");
  const env = { ...BASE, SEALBIN_DB: join(dir, "sealbin.db") };
  let server: ServerProcess;
  let url: string;
  let ca: string;
  let admin: { fingerprint_sha1: string; pkcs12: string; serial: string };
  let user: { fingerprint_sha1: string; certificate_pem: string; private_key_pem: string; serial: string };

  before(async () => {
    const made = serverCert(env, ["--host", "127.0.0.1", "--host", "localhost", "--out", tlsDir]);
    assert.equal(made.status, 0, made.stderr);
    ca = readFileSync(join(tlsDir, "ca.crt"), "utf8");
    server = spawnServer(dir, {
      ...env,
      SEALBIN_TLS_CERT: join(tlsDir, "server.crt"),
      SEALBIN_TLS_KEY: join(tlsDir, "server.key"),
    });
    url = await server.listening();
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("has the built-in CA issue a server certificate that OpenSSL verifies", () => {
    assert.match(url, /^https:\/\//);
    assert.equal(statSync(join(tlsDir, "server.key")).mode & 0o777, 0o600);
    const verify = execFileSync("openssl", [
      "verify",
      "-CAfile",
      join(tlsDir, "ca.crt"),
      "-purpose",
      "sslserver",
      join(tlsDir, "server.crt"),
    ]).toString();
    assert.match(verify, /OK/);
    const text = execFileSync("openssl", [
      "x509",
      "-in",
      join(tlsDir, "server.crt"),
      "-noout",
      "-text",
    ]).toString();
    assert.match(text, /TLS Web Server Authentication/);
    assert.match(text, /IP Address:127\.0\.0\.1/);
    assert.match(text, /DNS:localhost/);
  });

  it("refuses to overwrite the files, and bad hosts, with exit code 2", () => {
    const again = serverCert(env, ["--host", "127.0.0.1", "--out", tlsDir]);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /exists; pass --force/);
    const bad = serverCert(env, ["--host", "not a host!", "--out", join(dir, "other")]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /not a DNS name or an IP address/);
    const none = serverCert(env, ["--out", join(dir, "other")]);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /--host NAME is required/);
  });

  it("serves anonymous clients over HTTPS without a certificate", async () => {
    const res = await tlsRequest(url, { ca });
    assert.equal(res.status, 200);
    assert.equal(res.json.name, "sealbin");
    assert.equal((await tlsRequest(url, { ca }, { path: "/pastes" })).status, 401);
  });

  it("registers over HTTPS and returns a PKCS#12 bundle under the requested password", async () => {
    const res = await tlsRequest(
      url,
      { ca },
      {
        method: "POST",
        path: "/register",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ common_name: "admin", pkcs12_password: "bundle-pw" }),
      },
    );
    assert.equal(res.status, 201, res.body);
    assert.equal(res.json.is_admin, true);
    admin = res.json;
    const second = await tlsRequest(
      url,
      { ca },
      {
        method: "POST",
        path: "/register",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ common_name: "user" }),
      },
    );
    assert.equal(second.status, 201);
    assert.equal(second.json.is_admin, false);
    user = second.json;
  });

  it("knows the caller from the certificate of a real handshake, PKCS#12 or PEM", async () => {
    const asAdmin = { ca, pfx: Buffer.from(admin.pkcs12, "base64"), passphrase: "bundle-pw" };
    const created = await tlsRequest(url, asAdmin, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "made over mTLS",
    });
    assert.equal(created.status, 201, created.body);
    assert.equal(created.json.owner, admin.fingerprint_sha1);
    const listed = await tlsRequest(url, asAdmin, { path: "/pastes" });
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.json.pastes.map((p: { id: string }) => p.id),
      [created.json.id],
    );

    const asUser = { ca, cert: user.certificate_pem, key: user.private_key_pem };
    const mine = await tlsRequest(url, asUser, { path: "/pastes" });
    assert.equal(mine.status, 200);
    assert.equal(mine.json.count, 0);
    // The stranger cannot delete the admin's paste; the admin can.
    assert.equal(
      (await tlsRequest(url, asUser, { method: "DELETE", path: `/${created.json.id}` })).status,
      403,
    );
    assert.equal(
      (await tlsRequest(url, asAdmin, { method: "DELETE", path: `/${created.json.id}` })).status,
      200,
    );
  });

  it("works for curl with the PKCS#12 bundle", () => {
    const p12 = join(dir, "admin.p12");
    writeFileSync(p12, Buffer.from(admin.pkcs12, "base64"));
    const out = execFileSync("curl", [
      "-sS",
      "--cacert",
      join(tlsDir, "ca.crt"),
      "--cert-type",
      "P12",
      "--cert",
      `${p12}:bundle-pw`,
      `${url}/pki/certs`,
    ]).toString();
    assert.equal(JSON.parse(out).count, 2, "the admin sees every certificate");
  });

  it("ignores X-SSL-Client-SHA1 when it terminates TLS itself", async () => {
    const res = await tlsRequest(
      url,
      { ca },
      { path: "/pastes", headers: { "x-ssl-client-sha1": admin.fingerprint_sha1 } },
    );
    assert.equal(res.status, 401);
  });

  it("treats a certificate from another CA as no certificate", async () => {
    const { key, cert } = selfSigned(dir, "self", "intruder");
    const res = await tlsRequest(
      url,
      { ca, cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") },
      { path: "/pastes" },
    );
    assert.equal(res.status, 401);
  });

  it("treats a revoked certificate as anonymous after the handshake", async () => {
    const asAdmin = { ca, pfx: Buffer.from(admin.pkcs12, "base64"), passphrase: "bundle-pw" };
    const revoked = await tlsRequest(url, asAdmin, { method: "POST", path: `/pki/revoke/${user.serial}` });
    assert.equal(revoked.status, 200, revoked.body);
    const asUser = { ca, cert: user.certificate_pem, key: user.private_key_pem };
    // The handshake still succeeds (the CA signed it), but the certificate no longer identifies anyone.
    assert.equal((await tlsRequest(url, asUser, { path: "/pastes" })).status, 401);
    const audit = await tlsRequest(url, asAdmin, { path: "/audit" });
    const events = audit.json.events.map((e: { event: string }) => e.event);
    assert.ok(events.includes("SERVER_CERT_ISSUED"));
    assert.ok(events.includes("CERT_REVOKED"));
    assert.ok(events.includes("AUTH_FAILURE"));
  });

  it("reloads a renewed server certificate on SIGHUP", async () => {
    const before = (await tlsRequest(url, { ca })).serverCert.serialNumber;
    const renewed = serverCert(env, ["--host", "127.0.0.1", "--out", tlsDir, "--force"]);
    assert.equal(renewed.status, 0, renewed.stderr);
    server.child.kill("SIGHUP");
    let after = before;
    for (let i = 0; i < 100 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = (await tlsRequest(url, { ca })).serverCert.serialNumber;
    }
    assert.notEqual(after, before);
    await server.logged(/TLS certificate, key and client CA reloaded/);
  });
});

describe("mTLS with a CA created after the server started", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealbin-mtls-late-"));
  let server: ServerProcess;
  let url: string;
  before(async () => {
    // A server certificate from elsewhere (here: self-signed by openssl), and no built-in CA yet.
    selfSigned(dir, "server", "127.0.0.1", ["-addext", "subjectAltName=IP:127.0.0.1"]);
    server = spawnServer(dir, {
      ...BASE,
      SEALBIN_DB: join(dir, "sealbin.db"),
      SEALBIN_TLS_CERT: join(dir, "server.crt"),
      SEALBIN_TLS_KEY: join(dir, "server.key"),
    });
    url = await server.listening();
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("trusts the certificates of the CA that registration creates, from the next connection", async () => {
    const ca = readFileSync(join(dir, "server.crt"), "utf8");
    const reg = await tlsRequest(
      url,
      { ca },
      { method: "POST", path: "/register", headers: { "content-type": "application/json" }, body: "{}" },
    );
    assert.equal(reg.status, 201, reg.body);
    const res = await tlsRequest(
      url,
      { ca, cert: reg.json.certificate_pem, key: reg.json.private_key_pem },
      { path: "/pastes" },
    );
    assert.equal(res.status, 200, res.body);
  });
});

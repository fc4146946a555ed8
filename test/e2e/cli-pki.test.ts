/**
 * `sealbin register`, `pki` and `cert` against a server with the PKI on: the first user is the admin,
 * certificates configure the CLI, the CA is downloaded, certificates are issued and revoked.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type CliResult, cliHome, runCli } from "../helpers/cli.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const text = (r: CliResult) => r.stdout.toString("utf8");

function idOf(url: string): string {
  const id = /\/([0-9a-f]+)(#|$)/.exec(url)?.[1];
  assert.ok(id, `no id in ${url}`);
  return id;
}

describe("the sealbin CLI with the PKI", () => {
  let server: TestServer;
  const admin = cliHome();
  const user = cliHome();
  before(async () => {
    server = await startServer({
      pkiEnabled: true,
      pkiCaPassword: "ca-password",
      registrationEnabled: true,
      registerPow: 12,
    });
  });
  after(async () => {
    await server.close();
  });

  it("registers (the first user is admin), configures itself, then lists and deletes its pastes", async () => {
    const envA = { ...admin.env, SEALBIN_SERVER: server.url };
    const reg = await runCli(["register", "-n", "admin-laptop", "--configure"], { env: envA });
    assert.equal(reg.code, 0, reg.stderr);
    const fingerprint = text(reg).trim();
    assert.match(fingerprint, /^[0-9a-f]{40}$/);
    assert.match(reg.stderr, /registered as admin-laptop \(admin\)/);
    const config = readFileSync(join(admin.env.XDG_CONFIG_HOME ?? "", "sealbin", "config"), "utf8");
    assert.match(config, new RegExp(`cert_sha1 = ${fingerprint}`));
    assert.match(config, /client_cert = .*client\.crt/);
    assert.equal(
      statSync(join(admin.env.XDG_CONFIG_HOME ?? "", "sealbin", "client.key")).mode & 0o777,
      0o600,
    );

    const url = text(await runCli([], { env: envA, input: "admin's paste" })).trim();
    const list = await runCli(["list"], { env: envA });
    assert.equal(list.code, 0, list.stderr);
    assert.match(text(list), new RegExp(idOf(url)));

    const envU = { ...user.env, SEALBIN_SERVER: server.url };
    const userReg = await runCli(["register", "--configure"], { env: envU });
    assert.equal(userReg.code, 0, userReg.stderr);
    assert.doesNotMatch(userReg.stderr, /\(admin\)/);
    const stranger = await runCli(["delete", idOf(url)], { env: envU });
    assert.equal(stranger.code, 1);
    assert.match(stranger.stderr, /403/);
    const userUrl = text(await runCli(["-E"], { env: envU, input: "user's paste" })).trim();
    const all = await runCli(["list", "--all"], { env: envA });
    assert.match(text(all), new RegExp(idOf(userUrl)));

    const own = await runCli(["delete", idOf(url)], { env: envA });
    assert.equal(own.code, 0, own.stderr);
    assert.equal((await fetch(`${server.url}/${idOf(url)}`)).status, 404);
  });

  it("shows the PKI status lines of the PKI guide, downloads the CA, issues and revokes", async () => {
    const envA = { ...admin.env, SEALBIN_SERVER: server.url };
    const status = await runCli(["pki", "status"], { env: envA });
    assert.equal(status.code, 0, status.stderr);
    assert.match(
      text(status),
      /^PKI Status\nCA initialized: yes\nCA fingerprint: [0-9a-f]{40}\nCA expires: \d{4}-\d\d-\d\d\nIssued certs: 2\nRevoked: 0\n/,
    );

    const caFile = join(admin.dir, "ca.crt");
    const download = await runCli(["pki", "download", "-o", caFile, "--configure"], { env: envA });
    assert.equal(download.code, 0, download.stderr);
    assert.match(readFileSync(caFile, "utf8"), /BEGIN CERTIFICATE/);
    assert.match(
      readFileSync(join(admin.env.XDG_CONFIG_HOME ?? "", "sealbin", "config"), "utf8"),
      /ca_cert = /,
    );

    const issuedDir = join(admin.dir, "alice-certs");
    const issued = await runCli(["pki", "issue", "-n", "alice", "-o", issuedDir], { env: envA });
    assert.equal(issued.code, 0, issued.stderr);
    assert.ok(existsSync(join(issuedDir, "client.crt")));
    const serial = /serial ([0-9a-f]{32})/.exec(issued.stderr)?.[1] ?? "";
    const revoke = await runCli(["pki", "revoke", serial], { env: envA });
    assert.equal(revoke.code, 0, revoke.stderr);
    const after = await runCli(["pki", "status"], { env: envA });
    assert.match(text(after), /Revoked: 1/);
    assert.match(text(after), new RegExp(`${serial}  revoked`));
  });

  it("deletes everything as admin only with the right --confirm count", async () => {
    const envA = { ...admin.env, SEALBIN_SERVER: server.url };
    for (const word of ["one", "two", "three"])
      await runCli(["-E"], { env: envA, input: `${word} ${Date.now()}` });
    const count = JSON.parse(text(await runCli(["list", "--all", "--json"], { env: envA }))).count as number;
    assert.ok(count >= 3);
    const wrong = await runCli(["delete", "--all", "--confirm", String(count + 1)], { env: envA });
    assert.equal(wrong.code, 1);
    assert.match(
      wrong.stderr,
      new RegExp(`the server has ${count} pastes, not ${count + 1}: nothing deleted`),
    );
    const right = await runCli(["delete", "--all", "--confirm", String(count)], { env: envA });
    assert.equal(right.code, 0, right.stderr);
    assert.equal(JSON.parse(text(await runCli(["list", "--all", "--json"], { env: envA }))).count, 0);
  });
});

describe("sealbin cert: a self-signed client certificate made offline", () => {
  it("writes an EC certificate with clientAuth whose printed fingerprint OpenSSL agrees with", async () => {
    const home = cliHome();
    const made = await runCli(["cert", "-c", "secp256r1", "-d", "30", "-n", "my-client", "--configure"], {
      env: home.env,
    });
    assert.equal(made.code, 0, made.stderr);
    const dir = join(home.env.XDG_CONFIG_HOME ?? "", "sealbin");
    const pem = join(dir, "client.crt");
    const textOut = execFileSync(
      "openssl",
      ["x509", "-in", pem, "-noout", "-text", "-fingerprint", "-sha1"],
      { encoding: "utf8" },
    );
    assert.match(textOut, /TLS Web Client Authentication/);
    assert.match(textOut, /Subject: CN ?= ?my-client/);
    assert.match(textOut, /prime256v1|P-256/);
    const fp = /sha1 Fingerprint=([0-9A-F:]+)/i.exec(textOut)?.[1]?.replaceAll(":", "").toLowerCase();
    assert.equal(text(made).trim(), fp);
    // The key matches the certificate, and the signature verifies (self-signed).
    execFileSync("openssl", ["verify", "-CAfile", pem, "-purpose", "sslclient", pem]);
    const pub1 = execFileSync("openssl", ["x509", "-in", pem, "-noout", "-pubkey"], { encoding: "utf8" });
    const pub2 = execFileSync("openssl", ["pkey", "-in", join(dir, "client.key"), "-pubout"], {
      encoding: "utf8",
    });
    assert.equal(pub1, pub2);
    assert.match(readFileSync(join(dir, "config"), "utf8"), new RegExp(`cert_sha1 = ${fp}`));

    const again = await runCli(["cert"], { env: home.env });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists; pass --force/);
  });

  it("makes RSA certificates too", async () => {
    const home = cliHome();
    const made = await runCli(["cert", "-a", "rsa", "-b", "2048", "-o", home.dir], { env: home.env });
    assert.equal(made.code, 0, made.stderr);
    const pem = join(home.dir, "client.crt");
    execFileSync("openssl", ["verify", "-CAfile", pem, "-purpose", "sslclient", pem]);
    assert.match(
      execFileSync("openssl", ["x509", "-in", pem, "-noout", "-text"], { encoding: "utf8" }),
      /Public-Key: \(2048 bit\)/,
    );
  });
});

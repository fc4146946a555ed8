import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PNG_1X1 } from "../fixtures/files.ts";
import { CLI_BIN, type CliResult, cliHome, runCli } from "../helpers/cli.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const text = (r: CliResult) => r.stdout.toString("utf8");

function idOf(url: string): string {
  const id = /\/([0-9a-f]+)(#|$)/.exec(url)?.[1];
  assert.ok(id, `no id in ${url}`);
  return id;
}

describe("the sealbin CLI against a server", () => {
  let server: TestServer;
  const home = cliHome();
  const env = () => ({ ...home.env, SEALBIN_SERVER: server.url });
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  it("encrypts by default: prints one line, the URL with the key, and the server holds only ciphertext", async () => {
    const secret = "the launch code is 0000\n";
    const created = await runCli([], { env: env(), input: secret });
    assert.equal(created.code, 0, created.stderr);
    const lines = text(created).split("\n");
    assert.equal(lines.length, 2, "exactly one line on stdout");
    assert.equal(lines[1], "");
    const url = lines[0] ?? "";
    assert.match(url, new RegExp(`^${server.url}/[0-9a-f]{12}#[A-Za-z0-9_-]{43}$`));

    const stored = Buffer.from(await (await fetch(`${server.url}/${idOf(url)}/raw`)).arrayBuffer());
    assert.equal(stored.length, Buffer.byteLength(secret) + 28, "IV + ciphertext + tag");
    assert.ok(!stored.toString("latin1").includes("launch code"));

    const got = await runCli(["get", url], { env: env() });
    assert.equal(got.code, 0, got.stderr);
    assert.equal(text(got), secret);
  });

  it("round-trips binary files byte for byte, through a file argument and -o", async () => {
    const bytes = randomBytes(300_000);
    const file = join(home.dir, "blob.bin");
    writeFileSync(file, bytes);
    const created = await runCli([file], { env: env() });
    assert.equal(created.code, 0, created.stderr);
    const url = text(created).trim();
    const piped = await runCli(["get", url], { env: env() });
    assert.ok(piped.stdout.equals(bytes), "stdout is binary-safe");
    const outFile = join(home.dir, "blob.out");
    const saved = await runCli(["get", "-o", outFile, url], { env: env() });
    assert.equal(saved.code, 0, saved.stderr);
    assert.ok(readFileSync(outFile).equals(bytes));
    assert.equal(saved.stderr, "", "no progress bar when not on a terminal");
  });

  it("uploads plaintext with -E, and the server detects its type", async () => {
    const created = await runCli(["create", "-E"], { env: env(), input: "plain words\n" });
    assert.equal(created.code, 0, created.stderr);
    const url = text(created).trim();
    assert.ok(!url.includes("#"));
    assert.equal(await (await fetch(`${server.url}/${idOf(url)}/raw`)).text(), "plain words\n");
    const byId = await runCli(["get", idOf(url)], { env: env() });
    assert.equal(text(byId), "plain words\n");
  });

  it("burns after one read with -b", async () => {
    const url = text(await runCli(["-b"], { env: env(), input: "once" })).trim();
    const first = await runCli(["get", url], { env: env() });
    assert.equal(text(first), "once");
    const second = await runCli(["get", url], { env: env() });
    assert.equal(second.code, 1);
    assert.match(second.stderr, /^sealbin: server answered 404: Paste not found\n$/);
  });

  it("protects with -p, and says so without it", async () => {
    const url = text(await runCli(["-p", "hunter2"], { env: env(), input: "behind a password" })).trim();
    const without = await runCli(["get", url], { env: env() });
    assert.equal(without.code, 1);
    assert.match(without.stderr, /server answered 401: Password required/);
    const wrong = await runCli(["get", "-p", "nope", url], { env: env() });
    assert.match(wrong.stderr, /server answered 403: Invalid password/);
    const right = await runCli(["get", "-p", "hunter2", url], { env: env() });
    assert.equal(text(right), "behind a password");
  });

  it("sets an expiry with -x, shown by get -m", async () => {
    const url = text(await runCli(["-x", "3600"], { env: env(), input: "for an hour" })).trim();
    const meta = await runCli(["get", "-m", url], { env: env() });
    assert.equal(meta.code, 0, meta.stderr);
    const field = (name: string) => Date.parse(new RegExp(`${name}: (.*)`).exec(text(meta))?.[1] ?? "");
    const created = field("created_at");
    const expires = field("expires_at");
    assert.equal((expires - created) / 1000, 3600);
    assert.match(text(meta), /burn_after_read: no/);
  });

  it("fails clearly: wrong key (4), missing paste (1), unreachable server (3), bad usage (2)", async () => {
    const url = text(await runCli([], { env: env(), input: "keyed" })).trim();
    const wrongKey = `${url.split("#")[0]}#${Buffer.alloc(32).toString("base64url")}`;
    const bad = await runCli(["get", wrongKey], { env: env() });
    assert.equal(bad.code, 4);
    assert.match(bad.stderr, /decryption failed: wrong key/);
    assert.equal(bad.stdout.length, 0, "nothing unauthenticated reaches stdout");

    const missing = await runCli(["get", "0123456789ab"], { env: env() });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /server answered 404/);

    const down = await runCli(["-s", "http://127.0.0.1:9", "info"], { env: env() });
    assert.equal(down.code, 3);
    assert.match(down.stderr, /cannot reach http:\/\/127\.0\.0\.1:9: connection refused/);

    const usage = await runCli(["get"], { env: env() });
    assert.equal(usage.code, 2);
    const unknown = await runCli(["list", "--bogus"], { env: env() });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown option '--bogus'/);
  });

  it("has --help on every command", async () => {
    for (const command of [
      "create",
      "get",
      "delete",
      "list",
      "info",
      "register",
      "cert",
      "pki",
      "config",
      "shorten",
    ]) {
      const help = await runCli([command, "--help"], { env: env() });
      assert.equal(help.code, 0, command);
      assert.match(text(help), new RegExp(`sealbin ${command}`), command);
    }
    const top = await runCli(["--help"], { env: env() });
    assert.match(text(top), /Exit codes/);
  });

  it("keeps its server in the config file (config server URL), overridden by the environment", async () => {
    const local = cliHome();
    const set = await runCli(["config", "server", server.url], { env: local.env });
    assert.equal(set.code, 0, set.stderr);
    const file = join(local.env.XDG_CONFIG_HOME ?? "", "sealbin", "config");
    assert.equal(readFileSync(file, "utf8"), `server = ${server.url}\n`);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const created = await runCli([], { env: local.env, input: "via config" });
    assert.equal(created.code, 0, created.stderr);
    const overridden = await runCli(["info"], {
      env: { ...local.env, FLASKPASTE_SERVER: "http://127.0.0.1:9" },
    });
    assert.equal(overridden.code, 3, "FLASKPASTE_SERVER is honoured as an alias");
  });

  it("info describes the server; config set and show keep keys, and refuse unknown ones", async () => {
    const shown = await runCli(["info"], { env: env() });
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(text(shown), new RegExp(`^server: ${server.url}\nname: \\S+`));
    assert.match(text(shown), /^proof-of-work: off$/m);
    assert.match(text(shown), /^limit \S+: \S+/m);

    const local = cliHome();
    const set = await runCli(["config", "set", "cert_sha1", "a".repeat(40)], { env: local.env });
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stderr, /^cert_sha1 set in .*sealbin\/config\n$/);
    const show = await runCli(["config", "show"], { env: local.env });
    assert.equal(show.code, 0, show.stderr);
    assert.match(
      text(show),
      new RegExp(`^# .*sealbin/config\nserver = http://localhost:5000\ncert_sha1 = ${"a".repeat(40)}\n`),
    );
    const unknown = await runCli(["config", "set", "colour", "blue"], { env: local.env });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown key colour: one of server, cert_sha1/);
    const bare = await runCli(["config"], { env: local.env });
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /sealbin config server URL/);
  });

  it("shorten prints the short URL, and refuses an expiry the server could not read", async () => {
    const made = await runCli(["shorten", "-x", "60", "https://example.com/a/long/path"], { env: env() });
    assert.equal(made.code, 0, made.stderr);
    assert.match(text(made), new RegExp(`^${server.url}/s/[0-9A-Za-z]+\n$`));
    const bad = await runCli(["shorten", "-x", "soon", "https://example.com/"], { env: env() });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--expiry must be a positive number of seconds/);
    assert.equal((await runCli(["shorten"], { env: env() })).code, 2);
  });

  it("delete reports each refusal and exits 1; an unreachable server exits 3; usage exits 2", async () => {
    const refused = await runCli(["delete", "0123456789ab", "ba9876543210"], { env: env() });
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^0123456789ab: server answered \d{3}: .+\nba9876543210: server answered \d{3}: .+\n/,
    );
    assert.match(refused.stderr, /sealbin: 2 of 2 not deleted\n$/);
    const down = await runCli(["-s", "http://127.0.0.1:9", "delete", "0123456789ab"], { env: env() });
    assert.equal(down.code, 3);
    assert.match(down.stderr, /^sealbin: cannot reach http:\/\/127\.0\.0\.1:9: connection refused\n$/);
    assert.equal((await runCli(["delete"], { env: env() })).code, 2);
    const both = await runCli(["delete", "--all", "0123456789ab"], { env: env() });
    assert.match(both.stderr, /give ids or --all, not both/);
    const unconfirmed = await runCli(["delete", "--all"], { env: env() });
    assert.equal(unconfirmed.code, 2);
    assert.match(unconfirmed.stderr, /--all needs --confirm N/);
  });

  it("pki says when the PKI is off, and checks its usage before asking the server", async () => {
    const status = await runCli(["pki", "status"], { env: env() });
    assert.equal(status.code, 0, status.stderr);
    assert.equal(text(status), "PKI Status\nPKI enabled: no\n");
    const bare = await runCli(["pki"], { env: env() });
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /pki needs status, download, issue or revoke\n\nsealbin pki status/);
    const down = { env: { ...home.env, SEALBIN_SERVER: "http://127.0.0.1:9" } };
    assert.match(
      (await runCli(["pki", "download", "--configure"], down)).stderr,
      /--configure needs -o FILE/,
    );
    assert.match((await runCli(["pki", "issue"], down)).stderr, /pki issue needs -n NAME/);
    assert.match(
      (await runCli(["pki", "revoke", "xyz"], down)).stderr,
      /pki revoke needs one certificate serial/,
    );
    const disabled = await runCli(["pki", "download"], { env: env() });
    assert.equal(disabled.code, 1);
    assert.match(disabled.stderr, /^sealbin: server answered 404: /);
  });

  it("register and cert refuse to replace client.crt before a certificate is made", async () => {
    const dir = join(home.dir, "taken");
    const made = await runCli(["cert", "-c", "secp256r1", "-o", dir], { env: env() });
    assert.equal(made.code, 0, made.stderr);
    const again = await runCli(["-s", "http://127.0.0.1:9", "register", "-o", dir], { env: env() });
    assert.equal(again.code, 2, "no request made: the server is unreachable");
    assert.match(again.stderr, /client\.crt exists; pass --force to replace it/);
    const noPki = await runCli(["register", "-o", join(home.dir, "free")], { env: env() });
    assert.equal(noPki.code, 1);
    assert.match(noPki.stderr, /^sealbin: server answered 404: PKI not enabled\n$/);
    assert.ok(!existsSync(join(home.dir, "free", "client.crt")));
    const curve = await runCli(["cert", "-c", "constructor", "-o", join(home.dir, "c")], { env: env() });
    assert.equal(curve.code, 2);
    assert.match(curve.stderr, /unsupported curve constructor: use secp256r1, secp384r1 or secp521r1/);
  });
});

describe("the sealbin CLI with proof-of-work on", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ powDifficulty: 16 });
  });
  after(async () => {
    await server.close();
  });

  it("solves a difficulty-16 challenge by itself", async () => {
    const home = cliHome();
    const created = await runCli([], {
      env: { ...home.env, SEALBIN_SERVER: server.url },
      input: "worked for",
    });
    assert.equal(created.code, 0, created.stderr);
    const got = await runCli(["get", text(created).trim()], { env: home.env });
    assert.equal(text(got), "worked for");
  });
});

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

describe("the client file served at GET /client", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  it("runs on its own, with the system's Node.js when there is one (curl -o sealbin …/client && chmod +x)", async () => {
    const home = cliHome();
    const res = await fetch(`${server.url}/client`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-disposition") ?? "", /filename="sealbin"/);
    const file = join(home.dir, "fpaste");
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    chmodSync(file, 0o755);
    // Node.js 20 is the oldest the client supports; use the system's when present (it is 20 here).
    const systemNode =
      ["/usr/bin/node", "/usr/local/bin/node"].find((p) => existsSync(p)) ?? process.execPath;
    const env = { ...home.env, SEALBIN_SERVER: server.url };
    const created = await runCli([], {
      env,
      input: "from the downloaded client",
      node: systemNode,
      bin: file,
    });
    assert.equal(created.code, 0, created.stderr);
    const got = await runCli(["get", text(created).trim()], { env, node: systemNode, bin: file });
    assert.equal(text(got), "from the downloaded client");
    const etag = res.headers.get("etag") ?? "";
    assert.equal((await fetch(`${server.url}/client`, { headers: { "if-none-match": etag } })).status, 304);
  });
});

describe("sealbin account and image commands", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  it("register, login, upload, list, download, share, shared download, delete, logout", async () => {
    const alice = cliHome();
    const bob = cliHome();
    const envA = { ...alice.env, SEALBIN_SERVER: server.url };
    const envB = { ...bob.env, SEALBIN_SERVER: server.url };
    const pw = "correct horse battery\n";
    for (const [env, name] of [
      [envA, "alice"],
      [envB, "bob"],
    ] as const) {
      const reg = await runCli(["account", "register", "-u", name, "--password-stdin"], { env, input: pw });
      assert.equal(reg.code, 0, reg.stderr);
      const login = await runCli(["account", "login", "-u", name, "--password-stdin"], { env, input: pw });
      assert.equal(login.code, 0, login.stderr);
      assert.match(text(login).trim(), /^[0-9a-f]{24}$/);
    }
    assert.match(
      readFileSync(join(alice.env.XDG_CONFIG_HOME ?? "", "sealbin", "account.pub"), "utf8"),
      /^[A-Za-z0-9+/]{43}=$/,
    );
    assert.equal(statSync(join(alice.env.XDG_CONFIG_HOME ?? "", "sealbin", "session")).mode & 0o777, 0o600);
    assert.match(text(await runCli(["account", "whoami"], { env: envA })), /^alice [0-9a-f]{24}\n$/);

    const png = join(alice.dir, "bicycle.png");
    writeFileSync(png, PNG_1X1);
    const up = await runCli(["image", "upload", png, "--quotient", "1 2 3"], { env: envA });
    assert.equal(up.code, 0, up.stderr);
    assert.equal(text(await runCli(["image", "list"], { env: envA })), "bicycle.png\n");
    const got = join(alice.dir, "got.png");
    assert.equal((await runCli(["image", "download", "bicycle", "-o", got], { env: envA })).code, 0);
    assert.ok(readFileSync(got).equals(PNG_1X1));

    const denied = await runCli(
      ["image", "download", "bicycle", "--owner", "alice", "-o", join(bob.dir, "x.png")],
      { env: envB },
    );
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /server answered 404: Image not found/);
    const share = await runCli(["image", "share", "bicycle.png", "bob", "--role", "read"], { env: envA });
    assert.equal(share.code, 0, share.stderr);
    assert.match(
      text(await runCli(["image", "permissions", "bicycle"], { env: envA })),
      /^[0-9a-f]{24} {2}read\n$/,
    );
    const shared = await runCli(
      ["image", "download", "bicycle", "--owner", "alice", "-o", join(bob.dir, "shared.png")],
      { env: envB },
    );
    assert.equal(shared.code, 0, shared.stderr);
    assert.ok(readFileSync(join(bob.dir, "shared.png")).equals(PNG_1X1));
    assert.equal(
      (await runCli(["image", "delete", "bicycle", "--owner", "alice"], { env: envB })).code,
      1,
      "read only",
    );
    assert.equal((await runCli(["image", "role", "bicycle", "bob", "write"], { env: envA })).code, 0);
    assert.equal((await runCli(["image", "unshare", "bicycle", "bob"], { env: envA })).code, 0);

    const all = join(alice.dir, "all");
    assert.equal((await runCli(["image", "download-all", "-o", all], { env: envA })).code, 0);
    assert.ok(readFileSync(join(all, "bicycle.png")).equals(PNG_1X1));
    assert.equal((await runCli(["image", "delete", "bicycle"], { env: envA })).code, 0);
    assert.equal(text(await runCli(["image", "list"], { env: envA })), "");

    // The session also owns pastes.
    const url = text(await runCli(["-E"], { env: envA, input: "from my account" })).trim();
    const list = await runCli(["list"], { env: envA });
    assert.equal(list.code, 0, list.stderr);
    assert.match(text(list), new RegExp(idOf(url)));

    assert.equal((await runCli(["account", "logout"], { env: envA })).code, 0);
    const after = await runCli(["image", "list"], { env: envA });
    assert.equal(after.code, 2);
    assert.match(after.stderr, /not signed in/);
  });
});

describe("sealbin progress bars", () => {
  it("shows upload and download progress on a terminal (and nothing when piped, tested above)", async () => {
    const server = await startServer({ maxAnon: 8 * 1024 * 1024 });
    const home = cliHome();
    try {
      const file = join(home.dir, "big.bin");
      writeFileSync(file, randomBytes(3 * 1024 * 1024));
      const env = { ...home.env, SEALBIN_SERVER: server.url };
      // `script` gives the CLI a pseudo-terminal, as a user's shell would.
      const inTty = (cmd: string) =>
        runCli([], { env, node: "script", bin: "-qec", cwd: home.dir, args: [cmd, "/dev/null"] });
      const upload = await inTty(`${process.execPath} ${CLI_BIN} -E ${file}`);
      assert.equal(upload.code, 0, upload.stderr);
      const output = upload.stdout.toString();
      assert.match(output, /uploading \[#+ *\] [0-9.]+\/3\.0 MiB/);
      const url = /(http:\/\/\S+)/.exec(output)?.[1] ?? "";
      const download = await inTty(
        `${process.execPath} ${CLI_BIN} get -o ${join(home.dir, "back.bin")} ${url}`,
      );
      assert.equal(download.code, 0, download.stderr);
      assert.match(download.stdout.toString(), /downloading \[#+ *\] [0-9.]+\/3\.0 MiB/);
      assert.ok(readFileSync(join(home.dir, "back.bin")).equals(readFileSync(file)));
    } finally {
      await server.close();
    }
  });
});

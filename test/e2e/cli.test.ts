import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
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
    const field = (name: string) => Date.parse(new RegExp(`${name}: (\\S+)`).exec(text(meta))?.[1] ?? "");
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
      "short",
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
    assert.match(text(shown), /^max paste size, anonymous: [0-9.]+ MiB$/m);

    const local = cliHome();
    const set = await runCli(["config", "set", "cert_sha1", "a".repeat(40)], { env: local.env });
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stderr, /^cert_sha1 set in .*sealbin\/config\n$/);
    const show = await runCli(["config", "show"], { env: local.env });
    assert.equal(show.code, 0, show.stderr);
    assert.match(
      text(show),
      new RegExp(
        `^# config file: .*sealbin/config\nserver = http://localhost:5000 +# from default\ncert_sha1 = ${"a".repeat(40)}  # from `,
      ),
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
    assert.match(bad.stderr, /--expiry soon is not a duration/);
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
    assert.match(
      down.stderr,
      /^sealbin: cannot reach http:\/\/127\.0\.0\.1:9: connection refused\n(hint: .*\n)*$/,
    );
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
    const unreachable = await runCli(["pki", "download", "--configure"], down);
    assert.equal(unreachable.code, 3, "--configure alone saves to the config directory: it asked");
    assert.ok(!existsSync(join(home.env.XDG_CONFIG_HOME ?? "", "sealbin", "ca.crt")));
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
    assert.match(noPki.stderr, new RegExp(`^sealbin: ${server.url} has no PKI: it cannot register you`));
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

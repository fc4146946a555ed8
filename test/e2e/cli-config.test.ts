/**
 * Issue 19, item 6 (configuration): an fpaste configuration is migrated whole on the first write and
 * the migration is said once; `config show` says where each value comes from; --configure asks before
 * replacing the identity in use (--yes for scripts), before any certificate is issued.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type CliResult, cliCommand, cliHome, runCli, runInTerminal } from "../helpers/cli.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const text = (r: CliResult) => r.stdout.toString("utf8");
const SHA = "ab".repeat(20);

describe("sealbin and an existing fpaste configuration", () => {
  it("reads it, migrates it whole (every key, cert_sha1 included) on the first write, and says so once", async () => {
    const home = cliHome();
    const config = home.env.XDG_CONFIG_HOME ?? "";
    mkdirSync(join(config, "fpaste"), { recursive: true });
    const fpaste = [
      "# my fpaste settings",
      "server = https://paste.example.com",
      `cert_sha1 = ${SHA}`,
      "client_cert = /home/me/.config/fpaste/client.crt",
      "client_key = /home/me/.config/fpaste/client.key",
      "ca_cert = /home/me/.config/fpaste/ca.crt",
      "",
    ].join("\n");
    writeFileSync(join(config, "fpaste", "config"), fpaste);

    const shown = await runCli(["config", "show"], { env: home.env });
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(
      text(shown),
      /not written yet: fpaste's .*fpaste\/config is read, and copied on the first write/,
    );
    assert.match(text(shown), new RegExp(`^cert_sha1 = ${SHA} +# from .*fpaste/config$`, "m"));

    const first = await runCli(["config", "server", "https://other.example.com"], { env: home.env });
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stderr,
      /^migrated .*fpaste\/config to .*sealbin\/config, every key kept \(the old file is left as it was\)\n/,
    );
    const migrated = readFileSync(join(config, "sealbin", "config"), "utf8");
    assert.equal(migrated, fpaste.replace("https://paste.example.com", "https://other.example.com"));
    assert.equal(
      readFileSync(join(config, "fpaste", "config"), "utf8"),
      fpaste,
      "fpaste's file is untouched",
    );

    const second = await runCli(["config", "set", "ca_cert", "/etc/ca.crt"], { env: home.env });
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /migrated/, "said once");
    assert.match(readFileSync(join(config, "sealbin", "config"), "utf8"), new RegExp(`cert_sha1 = ${SHA}\n`));
  });
});

describe("sealbin config show", () => {
  it("says where each value comes from: the file, a SEALBIN_ or FLASKPASTE_ variable, -s, the default", async () => {
    const home = cliHome();
    assert.equal((await runCli(["config", "set", "cert_sha1", SHA], { env: home.env })).code, 0);
    const file = join(home.env.XDG_CONFIG_HOME ?? "", "sealbin", "config");
    const plain = await runCli(["config", "show"], { env: home.env });
    const width = `cert_sha1 = ${SHA}`.length;
    const row = (line: string, from: string) => `${line.padEnd(width)}  # ${from}`;
    assert.equal(
      text(plain),
      [
        `# config file: ${file}`,
        row("server = http://localhost:5000", "from default"),
        row(`cert_sha1 = ${SHA}`, `from ${file}`),
        row("client_cert =", "not set"),
        row("client_key =", "not set"),
        row("ca_cert =", "not set"),
        row("token =", "not set"),
        "",
      ].join("\n"),
    );
    const env = { ...home.env, SEALBIN_SERVER: "http://env.example", FLASKPASTE_CA_CERT: "/etc/fp-ca.crt" };
    const overridden = text(await runCli(["config", "show"], { env }));
    assert.match(overridden, /^server = http:\/\/env\.example +# from SEALBIN_SERVER$/m);
    assert.match(overridden, /^ca_cert = \/etc\/fp-ca\.crt +# from FLASKPASTE_CA_CERT$/m);
    const flagged = text(await runCli(["-s", "http://flag.example", "config", "show"], { env }));
    assert.match(flagged, /^server = http:\/\/flag\.example +# from -s\/--server$/m);
  });
});

describe("sealbin --configure and the identity in use", () => {
  let server: TestServer;
  const admin = cliHome();
  const env = () => ({ ...admin.env, SEALBIN_SERVER: server.url });
  const configFile = () => join(admin.env.XDG_CONFIG_HOME ?? "", "sealbin", "config");
  const issued = async () =>
    Number(/Issued certs: (\d+)/.exec(text(await runCli(["pki", "status"], { env: env() })))?.[1]);
  before(async () => {
    server = await startServer({
      pkiEnabled: true,
      pkiCaPassword: "ca-password",
      registrationEnabled: true,
      registerPow: 0,
    });
    const reg = await runCli(["register", "-n", "admin", "--configure"], { env: env() });
    assert.equal(reg.code, 0, reg.stderr);
  });
  after(async () => {
    await server.close();
  });

  it("in a script, pki issue --configure refuses to replace the identity in use without --yes, before issuing", async () => {
    const before = readFileSync(configFile(), "utf8");
    const count = await issued();
    const dir = join(admin.dir, "alice");
    const refused = await runCli(["pki", "issue", "-n", "alice", "-o", dir, "--configure"], { env: env() });
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /^sealbin: --configure would replace the identity in use \(cert_sha1 [0-9a-f]{40}, client_cert .*client\.crt\) with alice's certificate: nothing done\n/,
    );
    assert.match(refused.stderr, /hint: pass --yes to replace it/);
    assert.equal(readFileSync(configFile(), "utf8"), before);
    assert.equal(await issued(), count, "no certificate was issued for nothing");

    const yes = await runCli(["pki", "issue", "-n", "alice", "-o", dir, "--configure", "--yes"], {
      env: env(),
    });
    assert.equal(yes.code, 0, yes.stderr);
    assert.match(readFileSync(configFile(), "utf8"), new RegExp(`client_cert = ${dir}/client\\.crt`));
    // Back to the admin's own identity for the next test.
    writeFileSync(configFile(), before);
  });

  it("on a terminal, asks first: no keeps the identity in use, yes replaces it", async () => {
    const before = readFileSync(configFile(), "utf8");
    const declined = await runInTerminal(
      cliCommand(["pki", "issue", "-n", "bob", "-o", join(admin.dir, "bob"), "--configure"]),
      {
        env: { ...env(), NO_COLOR: "1" },
        answers: [{ when: /Replace it\? \[y\/N\] $/, send: "n\r" }],
      },
    );
    assert.equal(declined.code, 2, declined.output);
    assert.match(declined.output, /nothing done: the identity in use is kept/);
    assert.equal(readFileSync(configFile(), "utf8"), before);

    const accepted = await runInTerminal(
      cliCommand(["pki", "issue", "-n", "carol", "-o", join(admin.dir, "carol"), "--configure"]),
      {
        env: env(),
        answers: [{ when: /Replace it\? \[y\/N\] $/, send: "y\r" }],
      },
    );
    assert.equal(accepted.code, 0, accepted.output);
    assert.match(readFileSync(configFile(), "utf8"), /client_cert = .*carol\/client\.crt/);
  });
});

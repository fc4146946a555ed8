/**
 * Issue 19, item 6 (messages): a refusal names the next step — `register` with the PKI off says the
 * server has no PKI (before any proof-of-work), `list` without an identity says how to get one, a
 * revoked certificate says it was revoked. (An https:// URL against plain HTTP and a missing CA:
 * cli-errors.test.ts.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type CliResult, cliHome, runCli } from "../helpers/cli.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const text = (r: CliResult) => r.stdout.toString("utf8");

describe("sealbin's next steps on a server without a PKI", () => {
  let server: TestServer;
  const home = cliHome();
  const env = () => ({ ...home.env, SEALBIN_SERVER: server.url });
  before(async () => {
    // Registration's proof-of-work at a difficulty no test could wait for: refused before it, or never.
    server = await startServer({ pkiEnabled: false, registerPow: 40 });
  });
  after(async () => {
    await server.close();
  });

  it("register says the server has no PKI, before solving any proof-of-work, and what to do instead", async () => {
    const logged = server.logs.length;
    const reg = await runCli(["register", "-o", join(home.dir, "certs")], { env: env() });
    assert.equal(reg.code, 1);
    assert.match(reg.stderr, new RegExp(`^sealbin: ${server.url} has no PKI: it cannot register you`));
    assert.match(reg.stderr, /hint: .*sealbin cert --configure/);
    const routes = server.logs.slice(logged).flatMap((l) => (l.method ? [`${l.method} ${l.route}`] : []));
    assert.deepEqual(routes, ["GET /pki"], "no challenge fetched, nothing solved, nothing posted");
  });

  it("list without an identity says how to get one: register --configure, or an account's token", async () => {
    const list = await runCli(["list"], { env: env() });
    assert.equal(list.code, 1);
    assert.match(list.stderr, /^sealbin: server answered 401: Authentication required\n/);
    assert.match(
      list.stderr,
      /hint: list needs an identity, and none is configured: get a certificate with sealbin register --configure/,
    );
    assert.match(list.stderr, /hint: or sign in to an account with sealbin account login -u NAME/);
    const shorts = await runCli(["short", "list"], { env: env() });
    assert.equal(shorts.code, 1);
    assert.match(shorts.stderr, /hint: short list needs an identity/);
  });
});

describe("sealbin's next steps with the PKI on", () => {
  let server: TestServer;
  const admin = cliHome();
  const user = cliHome();
  before(async () => {
    server = await startServer({
      pkiEnabled: true,
      pkiCaPassword: "ca-password",
      registrationEnabled: true,
      registerPow: 8,
    });
  });
  after(async () => {
    await server.close();
  });

  it("a revoked certificate says it was revoked, and how to get a new one", async () => {
    const envA = { ...admin.env, SEALBIN_SERVER: server.url };
    const envU = { ...user.env, SEALBIN_SERVER: server.url };
    assert.equal((await runCli(["register", "-n", "admin", "--configure"], { env: envA })).code, 0);
    assert.equal((await runCli(["register", "-n", "user", "--configure"], { env: envU })).code, 0);
    assert.equal((await runCli(["list"], { env: envU })).code, 0, "the certificate identifies its holder");
    const serial = /([0-9a-f]{32}) {2}valid\s+\S+\s+user/.exec(
      text(await runCli(["pki", "status"], { env: envA })),
    )?.[1];
    assert.ok(serial);
    assert.equal((await runCli(["pki", "revoke", serial], { env: envA })).code, 0);

    const list = await runCli(["list"], { env: envU });
    assert.equal(list.code, 1);
    assert.match(list.stderr, /^sealbin: server answered 401: Authentication required\n/);
    assert.match(
      list.stderr,
      new RegExp(
        `hint: your certificate \\(serial ${serial}, .*client\\.crt\\) was revoked by the server's PKI`,
      ),
    );
    assert.match(list.stderr, /hint: get a new one with sealbin register --configure --force/);
  });

  it("says that registration is closed, and who can issue a certificate instead", async () => {
    const closed = await startServer({
      pkiEnabled: true,
      pkiCaPassword: "ca-password",
      registrationEnabled: false,
      registerPow: 0,
    });
    try {
      const home = cliHome();
      const reg = await runCli(["register"], { env: { ...home.env, SEALBIN_SERVER: closed.url } });
      assert.equal(reg.code, 1);
      assert.match(reg.stderr, /^sealbin: server answered 403: Registration disabled\n/);
      assert.match(
        reg.stderr,
        /hint: registration is closed on this server: ask an admin to issue you a certificate/,
      );
    } finally {
      await closed.close();
    }
  });
});

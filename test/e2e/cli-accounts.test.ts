/**
 * `sealbin account` and `sealbin image`: the happy path (last), and beyond it what each says, and
 * with which exit code, when the usage, the session, the server or the files are not what they need.
 */
import assert from "node:assert/strict";
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PNG_1X1 } from "../fixtures/files.ts";
import { type CliResult, cliHome, runCli } from "../helpers/cli.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const PASSWORD = "correct horse battery";
const text = (r: CliResult) => r.stdout.toString("utf8");

function idOf(url: string): string {
  const id = /\/([0-9a-f]+)(#|$)/.exec(url)?.[1];
  assert.ok(id, `no id in ${url}`);
  return id;
}

describe("sealbin account and image: refusals, usage and files", () => {
  let server: TestServer;
  const alice = cliHome();
  const bob = cliHome();
  const envA = () => ({ ...alice.env, SEALBIN_SERVER: server.url });
  const envB = () => ({ ...bob.env, SEALBIN_SERVER: server.url });
  const a = (args: string[], input?: string) =>
    runCli(args, { env: envA(), ...(input !== undefined ? { input } : {}) });
  const expectError = (run: CliResult, code: number, stderr: string | RegExp) => {
    assert.equal(run.code, code, run.stderr);
    if (typeof stderr === "string") assert.equal(run.stderr, stderr);
    else assert.match(run.stderr, stderr);
  };
  const sessionFile = join(alice.env.XDG_CONFIG_HOME ?? "", "sealbin", "session");

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  it("account: usage, passwords, and the server's refusals in its own words", async () => {
    expectError(await a(["account", "register"]), 2, "sealbin: account register needs -u NAME\n");
    expectError(await a(["account", "login", "-u", ""]), 2, "sealbin: account login needs -u NAME\n");
    expectError(
      await a(["account", "login", "-u", "alice"]),
      2,
      "sealbin: no password: use --password-stdin, SEALBIN_PASSWORD or a terminal\n",
    );
    expectError(
      await a(["account", "login", "-u", "alice", "--password-stdin"], "\nsecond line\n"),
      2,
      "sealbin: no password on standard input\n",
    );
    expectError(await a(["account", "frob"]), 2, /^sealbin: sealbin account register -u NAME/);
    expectError(
      await a(["account", "whoami"]),
      2,
      `sealbin: not signed in to ${server.url}: sealbin account login -u NAME\n`,
    );
    expectError(await a(["account", "logout"]), 2, "sealbin: not signed in\n");

    // SEALBIN_PASSWORD, and a public key of one's own: no key pair is made then.
    const reg = await runCli(["account", "register", "-u", "alice", "--public-key", "my own key"], {
      env: { ...envA(), SEALBIN_PASSWORD: PASSWORD },
    });
    assert.equal(reg.code, 0, reg.stderr);
    assert.equal(reg.stderr, "account alice registered; sign in with: sealbin account login -u alice\n");
    assert.equal(existsSync(join(alice.env.XDG_CONFIG_HOME ?? "", "sealbin", "account.pub")), false);
    expectError(
      await a(["account", "register", "-u", "alice", "--password-stdin"], PASSWORD),
      1,
      "sealbin: server answered 409: Username already exists\n",
    );
    expectError(
      await a(["account", "register", "-u", "al", "--password-stdin"], PASSWORD),
      1,
      "sealbin: server answered 422: Username must be 3 to 64 letters, digits or . _ - @\n",
    );
    expectError(
      await a(["account", "login", "-u", "alice", "--password-stdin"], "wrong password"),
      1,
      "sealbin: server answered 422: Username or password is invalid\n",
    );
    const login = await a(["account", "login", "-u", "alice", "--password-stdin"], `${PASSWORD}\r\n`);
    assert.equal(login.code, 0, login.stderr);
    assert.equal(login.stderr, "signed in as alice\n");
    const session = JSON.parse(readFileSync(sessionFile, "utf8"));
    assert.deepEqual(Object.keys(session).sort(), ["access_token", "server", "user_id", "username"]);
    assert.equal(session.server, server.url);
    assert.equal(login.stdout.toString(), `${session.user_id}\n`);
    assert.equal((await a(["account", "whoami"])).stdout.toString(), `alice ${session.user_id}\n`);
    // The session belongs to its server.
    const elsewhere = await runCli(["account", "whoami", "-s", "http://127.0.0.1:9"], { env: envA() });
    expectError(
      elsewhere,
      2,
      "sealbin: not signed in to http://127.0.0.1:9: sealbin account login -u NAME\n",
    );
  });

  it("image: usage, unknown users and roles, existing files, missing images", async () => {
    for (const [env, name] of [[envB(), "bob"]] as const) {
      const reg = await runCli(["account", "register", "-u", name, "--password-stdin"], {
        env,
        input: PASSWORD,
      });
      assert.equal(reg.code, 0, reg.stderr);
      assert.equal(
        (await runCli(["account", "login", "-u", name, "--password-stdin"], { env, input: PASSWORD })).code,
        0,
      );
    }
    const usage = /^sealbin: sealbin image list\nsealbin image upload FILE/;
    expectError(await a(["image"]), 2, usage);
    expectError(await a(["image", "list", "extra"]), 2, usage);
    expectError(await a(["image", "download"]), 2, usage);
    expectError(await a(["image", "role", "bicycle", "bob"]), 2, usage);
    expectError(
      await a(["image", "upload", "missing.png"]),
      2,
      "sealbin: cannot read image missing.png: ENOENT\n",
    );

    const png = join(alice.dir, 'odd "name".png');
    writeFileSync(png, PNG_1X1);
    const up = await a(["image", "upload", png]);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(up.stderr, "uploaded odd _name_.png\n");
    const [stored] = (await a(["image", "list"])).stdout.toString().split("\n");
    assert.ok(stored);

    expectError(
      await a(["image", "share", stored, "nobody", "--role", "read"]),
      1,
      "sealbin: no user named nobody\n",
    );
    expectError(
      await a(["image", "share", stored, "BOB", "--role", "admin"]),
      2,
      "sealbin: the role is read or write\n",
    );
    expectError(await a(["image", "share", stored, "bob"]), 2, "sealbin: the role is read or write\n");
    const share = await a(["image", "share", stored, "BOB", "--role", "read"]);
    assert.equal(share.stderr, `${stored}: BOB may read\n`);
    expectError(
      await a(["image", "share", stored, "bob", "--role", "write"]),
      1,
      "sealbin: server answered 409: Permission user id is already exists\n",
    );
    const role = await a(["image", "role", stored, "bob", "write"]);
    assert.equal(role.stderr, `${stored}: bob may write\n`);
    assert.match((await a(["image", "permissions", stored])).stdout.toString(), /^[0-9a-f]{24} {2}write\n$/);

    const target = join(alice.dir, "copy.png");
    writeFileSync(target, "already here");
    expectError(
      await a(["image", "download", stored, "-o", target]),
      2,
      `sealbin: ${target} exists; pass --force to replace it\n`,
    );
    const forced = await a(["image", "download", stored, "-o", target, "--force"]);
    assert.equal(forced.stderr, `${stored} → ${target}\n`);
    assert.ok(readFileSync(target).equals(PNG_1X1));

    expectError(
      await a(["image", "download", "nothere"]),
      1,
      "sealbin: server answered 404: Image not found\n",
    );
    expectError(
      await a(["image", "delete", "nothere"]),
      1,
      "sealbin: server answered 404: Image not found\n",
    );
    expectError(await a(["image", "list", "--owner", "nobody"]), 1, "sealbin: no user named nobody\n");
    expectError(
      await runCli(["image", "list", "--owner", "alice"], { env: envB() }),
      1,
      "sealbin: server answered 401: User is not authorized\n",
    );
    // bob may write: he deletes alice's image.
    const del = await runCli(["image", "delete", stored, "--owner", "alice"], { env: envB() });
    assert.equal(del.code, 0, del.stderr);
    assert.equal(del.stderr, `deleted ${stored}\n`);
    const unshare = await a(["image", "unshare", stored, "bob"]);
    expectError(unshare, 1, "sealbin: server answered 404: Image not found\n");
  });

  it("logout: signs out even when the server refuses the token already, never when unreachable", async () => {
    const kept = `${sessionFile}.kept`;
    copyFileSync(sessionFile, kept);
    const out = await a(["account", "logout"]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stderr, "signed out\n");
    assert.equal(existsSync(sessionFile), false);
    // The same (now revoked) token again: the server says 401, and that is signed out too.
    copyFileSync(kept, sessionFile);
    const again = await a(["account", "logout"]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(existsSync(sessionFile), false);
    expectError(
      await a(["image", "list"]),
      2,
      `sealbin: not signed in to ${server.url}: sealbin account login -u NAME\n`,
    );
    // A server that cannot be reached leaves the session as it is.
    const session = JSON.parse(readFileSync(kept, "utf8"));
    writeFileSync(sessionFile, JSON.stringify({ ...session, server: "http://127.0.0.1:9" }));
    const unreachable = await runCli(["account", "logout", "-s", "http://127.0.0.1:9"], { env: envA() });
    expectError(unreachable, 3, /^sealbin: cannot reach http:\/\/127\.0\.0\.1:9: /);
    assert.equal(existsSync(sessionFile), true);
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

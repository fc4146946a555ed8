/**
 * API tokens from the CLI (docs/tokens.md, docs/cli.md): `sealbin token …` against the real server,
 * and a CI job that pastes with SEALBIN_TOKEN alone.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type CliResult, cliHome, runCli } from "../helpers/cli.ts";
import { FINGERPRINT_A, startServer, type TestServer } from "../helpers/server.ts";

const text = (r: CliResult) => r.stdout.toString("utf8");
// A 1×1 PNG, as a screenshot tool would send it.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

describe("sealbin token", () => {
  let server: TestServer;
  const owner = cliHome();
  const ci = cliHome();
  const asOwner = () => ({ ...owner.env, SEALBIN_SERVER: server.url, SEALBIN_CERT_SHA1: FINGERPRINT_A });
  const cli = (args: string[], env: Record<string, string>, input?: string) =>
    runCli(args, { env, ...(input === undefined ? {} : { input }) });
  before(async () => {
    server = await startServer({ maxAnon: 1000, maxAuth: 5000 });
  });
  after(async () => server.close());

  it("create prints the secret once; list shows the token without it", async () => {
    const made = await cli(
      ["token", "create", "--name", "ci", "--scope", "paste:create", "--expires", "30d"],
      asOwner(),
    );
    assert.equal(made.code, 0, made.stderr);
    const secret = text(made).trim();
    assert.match(secret, /^sbt_[0-9A-Za-z]{40}$/);
    assert.match(made.stderr, /only time/);
    const listed = await cli(["token", "list"], asOwner());
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(text(listed), /^ID\s+NAME\s+SCOPES\s+CREATED\s+EXPIRES\s+LAST USED/);
    assert.match(text(listed), /\bci\s+paste:create\b/);
    assert.equal(text(listed).includes(secret.slice(4)), false);
  });

  it("a CI job pastes with SEALBIN_TOKEN alone, and the token can do nothing else", async () => {
    const made = await cli(
      ["token", "create", "--name", "job", "--scope", "paste:create", "--json"],
      asOwner(),
    );
    const { token, id } = JSON.parse(text(made));
    const job = { ...ci.env, SEALBIN_SERVER: server.url, SEALBIN_TOKEN: token };
    const big = "built artefact log\n".repeat(100);
    const pasted = await cli([], job, big);
    assert.equal(pasted.code, 0, pasted.stderr);
    const url = text(pasted).trim();
    assert.ok(url.startsWith(`${server.url}/`), url);
    const fetched = await cli(["get", url], job);
    assert.equal(text(fetched), big, "the owner's size limit, and an end-to-end encrypted paste");
    const mine = JSON.parse(text(await cli(["list", "--json"], asOwner())));
    assert.ok(JSON.stringify(mine).includes(new URL(url).pathname.slice(1)), "the paste is the owner's");
    const list = await cli(["list"], job);
    assert.equal(list.code, 1);
    assert.match(list.stderr, /does not allow this request/);
    const revoked = await cli(["token", "revoke", id], asOwner());
    assert.equal(revoked.code, 0, revoked.stderr);
    const after = await cli([], job, "after revocation");
    assert.equal(after.code, 1);
    assert.match(after.stderr, /revoked/);
  });

  it("sharex prints an uploader that uploads a screenshot as ShareX does", async () => {
    const made = await cli(["token", "sharex"], asOwner());
    assert.equal(made.code, 0, made.stderr);
    const sxcu = JSON.parse(text(made));
    assert.equal(sxcu.RequestMethod, "POST");
    assert.equal(sxcu.Body, "Binary");
    assert.match(sxcu.Headers.Authorization, /^Bearer sbt_/);
    const res = await fetch(sxcu.RequestURL, {
      method: sxcu.RequestMethod,
      headers: { ...sxcu.Headers, "content-type": "image/png" },
      body: PNG,
    });
    assert.equal(res.status, 201);
    const answer = await res.json();
    const link = String(sxcu.URL).replace(/\{json:([a-z_]+)\}/g, (_m: string, key: string) => answer[key]);
    const image = await fetch(link);
    assert.equal(image.headers.get("content-type"), "image/png");
    assert.deepEqual(Buffer.from(await image.arrayBuffer()), PNG);
    const tokens = JSON.parse(text(await cli(["token", "list", "--json"], asOwner())));
    const sharex = tokens.find((t: { name: string }) => t.name === "sharex");
    assert.deepEqual(sharex.scopes, ["paste:create"]);
  });

  it("sharex -o writes the uploader for its owner only and never replaces a file", async () => {
    const target = join(owner.dir, "sealbin.sxcu");
    const written = await cli(["token", "sharex", "-o", target], asOwner());
    assert.equal(written.code, 0, written.stderr);
    assert.equal(statSync(target).mode & 0o777, 0o600);
    assert.match(JSON.parse(readFileSync(target, "utf8")).Headers.Authorization, /^Bearer sbt_/);
    const before = JSON.parse(text(await cli(["token", "list", "--json"], asOwner()))).length;
    writeFileSync(target, "mine");
    const refused = await cli(["token", "sharex", "-o", target], asOwner());
    assert.equal(refused.code, 2);
    assert.equal(readFileSync(target, "utf8"), "mine");
    const afterCount = JSON.parse(text(await cli(["token", "list", "--json"], asOwner()))).length;
    assert.equal(afterCount, before, "no token made for a file that could not be written");
  });

  it("refuses unknown scopes and bad expiries before any request", async () => {
    for (const args of [
      ["token", "create", "--name", "x"],
      ["token", "create", "--name", "x", "--scope", "paste:read"],
      ["token", "create", "--scope", "paste:create"],
      ["token", "create", "--name", "x", "--scope", "paste:create", "--expires", "soon"],
      ["token", "create", "--name", "x", "--scope", "paste:create", "--expires", "30"],
      ["token", "revoke"],
    ]) {
      const r = await cli(args, asOwner());
      assert.equal(r.code, 2, args.join(" "));
    }
    const badToken = await cli(["info"], {
      ...ci.env,
      SEALBIN_SERVER: server.url,
      SEALBIN_TOKEN: "not-a-token",
    });
    assert.equal(badToken.code, 2);
    assert.match(badToken.stderr, /token must be an API token/);
  });

  it("config show never prints the token's secret", async () => {
    const token = `sbt_${"Q".repeat(40)}`;
    const shown = await cli(["config", "show"], {
      ...ci.env,
      SEALBIN_SERVER: server.url,
      SEALBIN_TOKEN: token,
    });
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(text(shown), /token = sbt_QQQQ… \(hidden\)\s+# from SEALBIN_TOKEN/);
    assert.equal(text(shown).includes(token), false);
    assert.equal(existsSync(join(ci.dir, "config", "sealbin", "config")), false);
  });
});

/**
 * Issue 19, item 7: short URLs from the CLI — `sealbin shorten URL` (and `short create`), `sealbin
 * short list`, `sealbin short delete ID|URL`, and `sealbin delete` of a …/s/ URL.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type CliResult, cliHome, runCli } from "../helpers/cli.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const text = (r: CliResult) => r.stdout.toString("utf8");
const idOf = (short: string) => /\/s\/([0-9A-Za-z]+)$/.exec(short.trim())?.[1] ?? "";

describe("sealbin and short URLs", () => {
  let server: TestServer;
  const alice = cliHome();
  const bob = cliHome();
  // A fingerprint a proxy on this host forwards: the server's identity for each user.
  const envA = () => ({ ...alice.env, SEALBIN_SERVER: server.url, SEALBIN_CERT_SHA1: "a".repeat(40) });
  const envB = () => ({ ...bob.env, SEALBIN_SERVER: server.url, SEALBIN_CERT_SHA1: "b".repeat(40) });
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  it("shorten and short create print the short URL, which redirects to the target", async () => {
    const made = await runCli(["shorten", "https://example.com/a/long/path"], { env: envA() });
    assert.equal(made.code, 0, made.stderr);
    assert.match(text(made), new RegExp(`^${server.url}/s/[0-9A-Za-z]+\n$`));
    const created = await runCli(["short", "create", "-x", "1d", "https://example.com/other"], {
      env: envA(),
    });
    assert.equal(created.code, 0, created.stderr);
    const res = await fetch(text(created).trim(), { redirect: "manual" });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("location"), "https://example.com/other");
  });

  it("short list shows your short URLs with their clicks and expiry; --json the server's fields", async () => {
    const short = text(await runCli(["shorten", "https://example.com/listed"], { env: envA() })).trim();
    await fetch(short, { redirect: "manual" });
    const list = await runCli(["short", "list"], { env: envA() });
    assert.equal(list.code, 0, list.stderr);
    const lines = text(list).split("\n");
    assert.match(lines[0] ?? "", /^ID +CLICKS +CREATED +EXPIRES +URL$/);
    const row = lines.find((l) => l.startsWith(idOf(short)));
    assert.ok(row, text(list));
    assert.match(
      row,
      new RegExp(`^${idOf(short)} +\\d+ +\\S+Z +never +${short} → https://example\\.com/listed$`),
    );
    const json = JSON.parse(text(await runCli(["short", "list", "--json"], { env: envA() })));
    assert.ok(json.short_urls.some((u: { id: string }) => u.id === idOf(short)));
    assert.equal(text(await runCli(["short", "list"], { env: envB() })), "", "bob has none");
  });

  it("short delete removes one by id or by URL; someone else's is refused (exit 1)", async () => {
    const one = text(await runCli(["shorten", "https://example.com/one"], { env: envA() })).trim();
    const two = text(await runCli(["shorten", "https://example.com/two"], { env: envA() })).trim();
    const stranger = await runCli(["short", "delete", idOf(one)], { env: envB() });
    assert.equal(stranger.code, 1);
    assert.match(stranger.stderr, new RegExp(`^${idOf(one)}: server answered 403: Permission denied\n`));
    const byId = await runCli(["short", "delete", idOf(one)], { env: envA() });
    assert.equal(byId.code, 0, byId.stderr);
    assert.equal(byId.stderr, `${idOf(one)}: deleted\n`);
    const byUrl = await runCli(["short", "delete", two], { env: envA() });
    assert.equal(byUrl.code, 0, byUrl.stderr);
    for (const gone of [one, two]) assert.equal((await fetch(gone, { redirect: "manual" })).status, 404);
    const bad = await runCli(["short", "delete", "not/an-id"], { env: envA() });
    assert.equal(bad.code, 2);
  });

  it("delete of a …/s/ URL deletes that short URL, beside pastes given in the same command", async () => {
    const short = text(await runCli(["shorten", "https://example.com/three"], { env: envA() })).trim();
    const paste = text(await runCli(["-E"], { env: envA(), input: "a paste" })).trim();
    const deleted = await runCli(["delete", short, paste], { env: envA() });
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stderr, new RegExp(`${short.replaceAll("/", "\\/")}: deleted`));
    assert.equal((await fetch(short, { redirect: "manual" })).status, 404);
    assert.equal((await fetch(paste)).status, 404);
  });
});

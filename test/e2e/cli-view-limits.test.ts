import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type CliResult, cliHome, runCli } from "../helpers/cli.ts";
import { FINGERPRINT_A, jsonOf, startServer, type TestServer } from "../helpers/server.ts";

/** `sealbin -v N` / `--max-views N` (docs/cli.md) against the real server, through the built CLI. */

const text = (r: CliResult) => r.stdout.toString("utf8");
const idOf = (url: string) => /\/([0-9a-f]{12})(#|$)/.exec(url)?.[1] ?? "";

describe("the CLI's view limits", () => {
  let server: TestServer;
  const home = cliHome();
  const env = () => ({ ...home.env, SEALBIN_SERVER: server.url, SEALBIN_CERT_SHA1: FINGERPRINT_A });
  const cli = (args: string[], input?: string) => runCli(args, { env: env(), ...(input ? { input } : {}) });
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  it("-v 3 makes a paste of three reads: the third deletes it, the fourth is refused", async () => {
    const created = await cli(["-v", "3"], "three times");
    assert.equal(created.code, 0, created.stderr);
    const url = text(created).trim();
    const meta = await jsonOf(await fetch(`${server.url}/${idOf(url)}`));
    assert.equal(meta.max_views, 3);
    assert.equal(meta.views_left, 3);
    for (let i = 1; i <= 3; i++) {
      const got = await cli(["get", url]);
      assert.equal(got.code, 0, `read ${i}: ${got.stderr}`);
      assert.equal(text(got), "three times");
    }
    const gone = await cli(["get", url]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^sealbin: server answered 404: Paste not found\n$/);
  });

  it("--max-views N on create, and get -m shows the views left without using one", async () => {
    const url = text(await cli(["create", "--max-views", "2"], "twice")).trim();
    for (const left of ["2 of 2", "2 of 2"]) {
      const meta = await cli(["get", "-m", url]);
      assert.equal(meta.code, 0, meta.stderr);
      assert.match(text(meta), new RegExp(`^views_left: ${left}$`, "m"));
      assert.match(text(meta), /^burn_after_read: no$/m);
    }
    assert.equal(text(await cli(["get", url])), "twice");
    assert.match(text(await cli(["get", "-m", url])), /^views_left: 1 of 2$/m);
  });

  it("list shows a limited paste's views left, and burn for a paste of one view", async () => {
    const limited = idOf(text(await cli(["-E", "-v", "5"], "five")).trim());
    const once = idOf(text(await cli(["-E", "-v", "1"], "one")).trim());
    const listed = await cli(["list"]);
    assert.equal(listed.code, 0, listed.stderr);
    const row = (id: string) =>
      text(listed)
        .split("\n")
        .find((l) => l.startsWith(id)) ?? "";
    assert.match(row(limited), /\bviews:5\/5\b/);
    assert.match(row(once), /\bburn\b/);
    await fetch(`${server.url}/${limited}/raw`);
    assert.match(text(await cli(["list"])), new RegExp(`^${limited}.*\\bviews:4/5\\b`, "m"));
  });

  it("-b with -v 1 is one read; -b with another count is refused before anything is sent", async () => {
    const url = text(await cli(["-b", "-v", "1"], "once")).trim();
    assert.equal((await jsonOf(await fetch(`${server.url}/${idOf(url)}`))).burn_after_read, true);
    const before = (
      await jsonOf(await fetch(`${server.url}/pastes`, { headers: { "x-ssl-client-sha1": FINGERPRINT_A } }))
    ).total;
    const both = await cli(["-b", "-v", "3"], "which?");
    assert.equal(both.code, 2);
    assert.equal(both.stderr, "sealbin: --burn is --max-views 1: give --burn or --max-views 3, not both\n");
    const after = (
      await jsonOf(await fetch(`${server.url}/pastes`, { headers: { "x-ssl-client-sha1": FINGERPRINT_A } }))
    ).total;
    assert.equal(after, before, "nothing was sent");
  });

  it("refuses an invalid count with a clear message and exit 2, sending nothing", async () => {
    for (const value of ["0", "10001", "1.5", "1e3", "-1", "three", ""]) {
      const refused = await cli(["-v", value], "never sent");
      assert.equal(refused.code, 2, `-v ${JSON.stringify(value)}: ${refused.stderr}`);
      assert.equal(
        refused.stderr,
        `sealbin: --max-views ${value}: give a whole number of views from 1 to 10000\n`,
        JSON.stringify(value),
      );
      assert.equal(refused.stdout.length, 0);
    }
  });

  it("names --max-views in create's help", async () => {
    const help = await cli(["create", "--help"]);
    assert.match(text(help) + help.stderr, /-v, --max-views N +delete the paste after its Nth read/);
  });
});

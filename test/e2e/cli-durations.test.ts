/**
 * Issue 19, item 5: durations and sizes as people write and read them — `-x 1h`, `30m`, `7d`,
 * `3600`; the server's maximum named when a value is over it; `-x -5` told it must be positive
 * without the whole usage text; `info` in MiB, hours and days; `get -m` with a date and "in 23 h".
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type CliResult, cliHome, runCli } from "../helpers/cli.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const text = (r: CliResult) => r.stdout.toString("utf8").trim();
const DAY = 86_400;

describe("sealbin and durations and sizes as people write them", () => {
  let server: TestServer;
  const home = cliHome();
  const env = () => ({ ...home.env, SEALBIN_SERVER: server.url });
  before(async () => {
    server = await startServer({
      maxAnon: 3 * 1024 * 1024,
      maxAuth: 50 * 1024 * 1024,
      maxExpiry: 90 * DAY,
      expiryAnon: DAY,
      expiryUntrusted: 7 * DAY,
      expiryTrusted: 30 * DAY,
    });
  });
  after(async () => {
    await server.close();
  });

  /** The paste's lifetime in seconds, as GET /{id} states it. */
  async function lifetime(url: string): Promise<number> {
    const id = /\/([0-9a-f]{12})/.exec(url)?.[1];
    const meta = (await (
      await fetch(`${server.url}/${id}`, { headers: { accept: "application/json" } })
    ).json()) as {
      created_at: number;
      expires_at: number;
    };
    return meta.expires_at - meta.created_at;
  }

  it("takes -x 1h, 30m, 7d, 1h30m and 3600", async () => {
    for (const [given, seconds] of [
      ["1h", 3600],
      ["30m", 1800],
      ["7d", 7 * DAY],
      ["1h30m", 5400],
      ["3600", 3600],
    ] as const) {
      const created = await runCli(["-x", given], { env: env(), input: `expires in ${given}` });
      assert.equal(created.code, 0, `${given}: ${created.stderr}`);
      assert.equal(await lifetime(text(created)), seconds, given);
    }
    const short = await runCli(["shorten", "-x", "2h", "https://example.com/"], { env: env() });
    assert.equal(short.code, 0, short.stderr);
  });

  it("names the server's maximum for a value over it (at most 90 days on this server), before any work", async () => {
    const logged = server.logs.length;
    const long = await runCli(["-x", "100d"], { env: env(), input: "for a long time" });
    assert.equal(long.code, 1);
    assert.equal(long.stderr, "sealbin: --expiry 100d is too long: at most 90 days on this server\n");
    const routes = server.logs.slice(logged).flatMap((l) => (l.method ? [`${l.method} ${l.route}`] : []));
    assert.deepEqual(routes, ["GET /"], "nothing was uploaded");
    const short = await runCli(["shorten", "-x", "91d", "https://example.com/"], { env: env() });
    assert.equal(short.code, 1);
    assert.equal(short.stderr, "sealbin: --expiry 91d is too long: at most 90 days on this server\n");
  });

  it("says -x -5 must be positive, and names what is not a duration, without the whole usage text", async () => {
    for (const args of [
      ["-x", "-5"],
      ["create", "-x", "-5"],
      ["shorten", "-x", "-5", "https://example.com/"],
    ]) {
      const bad = await runCli(args, { env: env(), input: "x" });
      assert.equal(bad.code, 2);
      assert.equal(bad.stderr, "sealbin: --expiry -5 must be positive\n");
    }
    const zero = await runCli(["-x", "0"], { env: env(), input: "x" });
    assert.equal(zero.stderr, "sealbin: --expiry 0 must be positive\n");
    const soon = await runCli(["-x", "soon"], { env: env(), input: "x" });
    assert.equal(soon.code, 2);
    assert.equal(soon.stderr, "sealbin: --expiry soon is not a duration (such as 3600, 30m, 1h, 7d)\n");
  });

  it("info prints limits in MiB and durations in hours and days", async () => {
    const shown = await runCli(["info"], { env: env() });
    assert.equal(shown.code, 0, shown.stderr);
    const out = text(shown);
    assert.match(out, /^max paste size, anonymous: 3\.0 MiB$/m);
    assert.match(out, /^max paste size, authenticated: 50\.0 MiB$/m);
    assert.match(out, /^expiry, anonymous: 1 day \(sliding: each read extends it\)$/m);
    assert.match(out, /^expiry, self-signed certificate: 7 days/m);
    assert.match(out, /^expiry, PKI certificate: 30 days/m);
    assert.match(out, /^expiry, at most: 90 days$/m);
    assert.match(out, /^proof-of-work: off$/m);
  });

  it("get -m shows when the paste expires: a date and how far away", async () => {
    const fixed = text(await runCli(["-x", "1d"], { env: env(), input: "for a day" }));
    const meta = await runCli(["get", "-m", fixed], { env: env() });
    assert.equal(meta.code, 0, meta.stderr);
    assert.match(text(meta), /^expires_at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 23 h\)$/m);
    const idle = text(await runCli([], { env: env(), input: "until idle" }));
    const idleMeta = await runCli(["get", "-m", idle], { env: env() });
    assert.match(
      text(idleMeta),
      /^expires_at: \S+Z \(in 23 h, later if read again: each read extends it\)$/m,
    );
  });
});

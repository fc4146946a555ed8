/**
 * Issue 19, item 4: an encrypted paste fetched without its key — by bare ID, or by a URL without
 * #key — is recognised as sealbin ciphertext: the CLI says so and exits 4 instead of printing it;
 * --raw prints it anyway. Unencrypted content, binary or not, is not mistaken for it.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PNG_1X1 } from "../fixtures/files.ts";
import { type CliResult, cliHome, runCli } from "../helpers/cli.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const text = (r: CliResult) => r.stdout.toString("utf8").trim();
const idOf = (url: string) => /\/([0-9a-f]{12})(#|$)/.exec(url)?.[1] ?? "";
const ENCRYPTED = /^sealbin: paste [0-9a-f]{12} is encrypted, and the link has no #key to decrypt it\n/;

describe("sealbin get of an encrypted paste without its key", () => {
  let server: TestServer;
  const home = cliHome();
  const env = () => ({ ...home.env, SEALBIN_SERVER: server.url });
  const stored = async (id: string) =>
    Buffer.from(await (await fetch(`${server.url}/${id}/raw`)).arrayBuffer());
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  it("by bare ID or by a URL without #key: says it is encrypted and exits 4, printing nothing", async () => {
    const url = text(await runCli([], { env: env(), input: "a secret\n" }));
    for (const ref of [idOf(url), url.split("#")[0] ?? ""]) {
      const got = await runCli(["get", ref], { env: env() });
      assert.equal(got.code, 4, ref);
      assert.equal(got.stdout.length, 0, "no ciphertext printed");
      assert.match(got.stderr, ENCRYPTED);
      assert.match(got.stderr, /hint: use the link with its #key to decrypt it/);
      assert.match(got.stderr, /hint: --raw writes the ciphertext as it is\n$/);
    }
  });

  it("--raw prints the ciphertext as the server stores it", async () => {
    const url = text(await runCli([], { env: env(), input: "a secret\n" }));
    const raw = await runCli(["get", "--raw", idOf(url)], { env: env() });
    assert.equal(raw.code, 0, raw.stderr);
    assert.ok(raw.stdout.equals(await stored(idOf(url))));
  });

  it("the FlaskPaste form `get -p PASSWORD ID` of an encrypted paste exits 4 rather than print ciphertext", async () => {
    const url = text(await runCli(["-p", "pw"], { env: env(), input: "behind a password and a key" }));
    const got = await runCli(["get", "-p", "pw", idOf(url)], { env: env() });
    assert.equal(got.code, 4);
    assert.equal(got.stdout.length, 0);
    assert.match(got.stderr, ENCRYPTED);
    const keyed = await runCli(["get", "-p", "pw", url], { env: env() });
    assert.equal(text(keyed), "behind a password and a key");
  });

  it("recognises a large encrypted paste from its first bytes, and writes no file with -o", async () => {
    const file = join(home.dir, "large.bin");
    writeFileSync(file, randomBytes(2_000_000));
    const url = text(await runCli([file], { env: env() }));
    const target = join(home.dir, "large.out");
    const got = await runCli(["get", "-o", target, idOf(url)], { env: env() });
    assert.equal(got.code, 4);
    assert.match(got.stderr, ENCRYPTED);
    assert.ok(!existsSync(target));
    const raw = await runCli(["get", "--raw", "-o", target, idOf(url)], { env: env() });
    assert.equal(raw.code, 0, raw.stderr);
    assert.ok(readFileSync(target).equals(await stored(idOf(url))));
  });

  it("does not read a burn-after-read encrypted paste without its key, so that it is not destroyed unreadable", async () => {
    const url = text(await runCli(["-b"], { env: env(), input: "read me once, with the key" }));
    const got = await runCli(["get", idOf(url)], { env: env() });
    assert.equal(got.code, 4);
    assert.match(got.stderr, /looks encrypted and is deleted when read, and the link has no #key/);
    assert.equal((await fetch(`${server.url}/${idOf(url)}`)).status, 200, "still there");
    assert.equal(text(await runCli(["get", url], { env: env() })), "read me once, with the key");
  });

  it("does not mistake unencrypted content for ciphertext: text, images, random bytes with -E -t", async () => {
    const words = text(await runCli(["-E"], { env: env(), input: "plain words\n" }));
    assert.equal(text(await runCli(["get", idOf(words)], { env: env() })), "plain words");
    const png = join(home.dir, "dot.png");
    writeFileSync(png, PNG_1X1);
    const image = text(await runCli(["-E", png], { env: env() }));
    const gotImage = await runCli(["get", idOf(image)], { env: env() });
    assert.equal(gotImage.code, 0, gotImage.stderr);
    assert.ok(gotImage.stdout.equals(PNG_1X1));
    const noise = join(home.dir, "noise.bin");
    writeFileSync(noise, randomBytes(5000));
    const typed = text(await runCli(["-E", "-t", "application/x-noise", noise], { env: env() }));
    const gotNoise = await runCli(["get", idOf(typed)], { env: env() });
    assert.equal(gotNoise.code, 0, "a type the uploader declared is not ciphertext");
    assert.ok(gotNoise.stdout.equals(readFileSync(noise)));
  });
});

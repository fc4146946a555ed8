/**
 * Large files and several files from the CLI (docs/cli.md, docs/uploads.md): encrypted as a
 * version-2 stream, sent resumably, downloaded streamed to their original names.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CLI_BIN, CLI_NODE, type CliResult, identifiedCli } from "../helpers/cli.ts";
import { FINGERPRINT_A, startServer, type TestServer } from "../helpers/server.ts";

const text = (r: CliResult) => r.stdout.toString("utf8");
const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("sealbin with large and several files", () => {
  let server: TestServer;
  const { home, env, cli } = identifiedCli(() => server.url, FINGERPRINT_A);
  before(async () => {
    server = await startServer({ maxAnon: 1 * MiB, maxAuth: 64 * MiB });
  });
  after(async () => server.close());

  it("several files go up as one paste and come back under their names", async () => {
    const a = Buffer.from("first file\n");
    const b = randomBytes(300_000);
    writeFileSync(join(home.dir, "notes.txt"), a);
    writeFileSync(join(home.dir, "image.bin"), b);
    const made = await cli(["notes.txt", "image.bin"]);
    assert.equal(made.code, 0, made.stderr);
    const link = text(made).trim();
    assert.match(link, /#[A-Za-z0-9_-]{43}$/);
    const stored = Buffer.from(
      await (await fetch(link.replace(/#.*/, "").replace(/\/([0-9a-f]+)$/, "/$1/raw"))).arrayBuffer(),
    );
    assert.equal(stored.subarray(0, 4).toString("latin1"), "SBN\x02", "a version-2 stream");
    assert.equal(stored.includes(Buffer.from("notes.txt")), false, "names travel encrypted");
    const out = join(home.dir, "out");
    mkdirSync(out);
    const got = await cli(["get", link, "-o", out]);
    assert.equal(got.code, 0, got.stderr);
    assert.deepEqual(readdirSync(out).sort(), ["image.bin", "notes.txt"]);
    assert.deepEqual(readFileSync(join(out, "notes.txt")), a);
    assert.equal(sha(readFileSync(join(out, "image.bin"))), sha(b));
    const again = await cli(["get", link, "-o", out]);
    assert.equal(again.code, 2, "never replaces a file");
    assert.deepEqual(readFileSync(join(out, "notes.txt")), a);
  });

  it("a file over 16 MiB goes up resumably and downloads streamed", async () => {
    const big = randomBytes(20 * MiB + 321);
    writeFileSync(join(home.dir, "big.iso"), big);
    const made = await cli(["big.iso", "-v", "2"]);
    assert.equal(made.code, 0, made.stderr);
    const link = text(made).trim();
    const target = join(home.dir, "big-copy.iso");
    const got = await cli(["get", link, "-o", target]);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(sha(readFileSync(target)), sha(big));
    const meta = await cli(["get", "-m", link]);
    assert.match(text(meta), /views_left: 1 of 2/);
    assert.equal(
      existsSync(join(home.dir, "state", "sealbin", "uploads"))
        ? readdirSync(join(home.dir, "state", "sealbin", "uploads")).length
        : 0,
      0,
      "no resume state left",
    );
  });

  it("--resume goes on with the same upload after the CLI was stopped", async () => {
    const big = randomBytes(24 * MiB);
    writeFileSync(join(home.dir, "cut.bin"), big);
    const states = join(home.dir, "state", "sealbin", "uploads");
    const posts = () => server.logs.filter((l) => l.route === "/uploads" && l.method === "POST").length;
    const before = posts();
    // Stopped as soon as the upload exists: killed, as a closed laptop would stop it.
    await new Promise<void>((resolve, reject) => {
      const child = spawn(CLI_NODE, [CLI_BIN, "cut.bin"], { env: env(), cwd: home.dir, stdio: "ignore" });
      const timer = setInterval(() => {
        if (existsSync(states) && readdirSync(states).length > 0) {
          clearInterval(timer);
          child.kill("SIGKILL");
        }
      }, 5);
      child.on("exit", () => {
        clearInterval(timer);
        resolve();
      });
      child.on("error", reject);
    });
    assert.equal(readdirSync(states).length, 1, "the state to resume from is kept");
    const resumed = await cli(["cut.bin", "--resume"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(posts() - before, 1, "the resumed run made no new upload");
    const target = join(home.dir, "cut-copy.bin");
    assert.equal((await cli(["get", text(resumed).trim(), "-o", target])).code, 0);
    assert.equal(sha(readFileSync(target)), sha(big));
    assert.equal(readdirSync(states).length, 0);
  });

  it("refuses what it cannot do before sending anything", async () => {
    writeFileSync(join(home.dir, "x.txt"), "x");
    mkdirSync(join(home.dir, "sub"), { recursive: true });
    writeFileSync(join(home.dir, "sub", "x.txt"), "y");
    const twice = await cli(["x.txt", "sub/x.txt"]);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /two files are named x.txt/);
    const plain = await cli(["-E", "x.txt", "notes.txt"]);
    assert.equal(plain.code, 2);
    const missing = await cli(["x.txt", "nope.txt"]);
    assert.equal(missing.code, 2);
  });
});

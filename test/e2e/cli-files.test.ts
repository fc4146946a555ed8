/**
 * Issue 19, item 1: `sealbin get -o FILE` never destroys data. The content goes to a temporary file
 * beside FILE and becomes FILE only once complete, decrypted and verified; an existing FILE is
 * replaced only with --force; every failure leaves FILE exactly as it was, and no temporary file.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CLI_BIN, CLI_NODE, type CliResult, cliHome, runCli } from "../helpers/cli.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const text = (r: CliResult) => r.stdout.toString("utf8").trim();

/** A file's content and identity, to prove it was not touched at all. */
function snapshot(file: string) {
  const s = statSync(file);
  return { content: readFileSync(file).toString("hex"), ino: s.ino, mtime: s.mtimeMs, mode: s.mode };
}

/** The names in `dir` besides `keep`: a temporary file left behind would show here. */
const leftovers = (dir: string, keep: string[]) => readdirSync(dir).filter((n) => !keep.includes(n));

describe("sealbin get -o FILE never destroys data", () => {
  let server: TestServer;
  const home = cliHome();
  const env = () => ({ ...home.env, SEALBIN_SERVER: server.url });
  let dir: string;
  let precious: string;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });
  const fresh = () => {
    dir = join(home.dir, `out-${randomBytes(4).toString("hex")}`);
    mkdirSync(dir);
    precious = join(dir, "precious.txt");
    writeFileSync(precious, "my precious notes\n");
    chmodSync(precious, 0o640);
    return snapshot(precious);
  };

  it("refuses an existing FILE without --force (exit 2) before any request: a burn-after-read paste survives", async () => {
    const before = fresh();
    const url = text(await runCli(["-b"], { env: env(), input: "read me once" }));
    const got = await runCli(["get", "-o", precious, url], { env: env() });
    assert.equal(got.code, 2);
    assert.match(got.stderr, /^sealbin: .*precious\.txt exists; pass --force to replace it\n$/);
    assert.deepEqual(snapshot(precious), before);
    const id = /\/([0-9a-f]{12})#/.exec(url)?.[1];
    assert.equal((await fetch(`${server.url}/${id}`)).status, 200, "the paste was not read");
    const dirAsFile = await runCli(["get", "-o", dir, url], { env: env() });
    assert.equal(dirAsFile.code, 2);
    assert.match(dirAsFile.stderr, /is a directory: name a file/);
  });

  it("replaces FILE with --force only once the content is complete, keeping FILE's mode and leaving no temporary file", async () => {
    fresh();
    const content = randomBytes(600_000);
    writeFileSync(join(home.dir, "new.bin"), content);
    const url = text(await runCli([join(home.dir, "new.bin")], { env: env() }));
    const got = await runCli(["get", "--force", "-o", precious, url], { env: env() });
    assert.equal(got.code, 0, got.stderr);
    assert.ok(readFileSync(precious).equals(content));
    assert.equal(statSync(precious).mode & 0o777, 0o640, "the replaced file keeps its mode");
    assert.deepEqual(leftovers(dir, ["precious.txt"]), []);
    const created = join(dir, "created.bin");
    assert.equal((await runCli(["get", "-o", created, url], { env: env() })).code, 0);
    assert.equal(statSync(created).mode & 0o777, 0o644, "a new file gets what the umask gives");
  });

  it("leaves FILE as it was when the paste does not exist (404), and creates none", async () => {
    const before = fresh();
    const missing = await runCli(["get", "--force", "-o", precious, "0123456789ab"], { env: env() });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /server answered 404: Paste not found/);
    assert.deepEqual(snapshot(precious), before);
    const absent = join(dir, "absent.txt");
    assert.equal((await runCli(["get", "-o", absent, "0123456789ab"], { env: env() })).code, 1);
    assert.ok(!existsSync(absent));
    assert.deepEqual(leftovers(dir, ["precious.txt"]), []);
  });

  it("leaves FILE as it was for a wrong key (exit 4): nothing unauthenticated is written", async () => {
    const before = fresh();
    const url = text(await runCli([], { env: env(), input: "keyed content" }));
    const wrongKey = `${url.split("#")[0]}#${Buffer.alloc(32).toString("base64url")}`;
    const got = await runCli(["get", "--force", "-o", precious, wrongKey], { env: env() });
    assert.equal(got.code, 4);
    assert.match(got.stderr, /decryption failed: wrong key/);
    assert.deepEqual(snapshot(precious), before);
    assert.deepEqual(leftovers(dir, ["precious.txt"]), []);
  });

  it("leaves FILE as it was for a wrong password (403)", async () => {
    const before = fresh();
    const url = text(await runCli(["-p", "hunter2"], { env: env(), input: "behind a password" }));
    const got = await runCli(["get", "--force", "-p", "wrong", "-o", precious, url], { env: env() });
    assert.equal(got.code, 1);
    assert.match(got.stderr, /server answered 403: Invalid password/);
    assert.deepEqual(snapshot(precious), before);
    assert.deepEqual(leftovers(dir, ["precious.txt"]), []);
  });

  it("leaves FILE as it was when the disk fills up mid-download (exit 2, no space left)", async (t) => {
    const disk = join(home.dir, `tmpfs-${randomBytes(4).toString("hex")}`);
    mkdirSync(disk);
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", disk], { stdio: "pipe" });
    } catch (err) {
      t.skip(`no tmpfs to fill (mount needs root): ${(err as Error).message.split("\n")[0]}`);
      return;
    }
    try {
      const target = join(disk, "precious.txt");
      writeFileSync(target, "my precious notes\n");
      const before = snapshot(target);
      writeFileSync(join(home.dir, "large.txt"), "a line of text that takes room\n".repeat(10_000));
      const url = text(await runCli(["-E", join(home.dir, "large.txt")], { env: env() }));
      const got = await runCli(["get", "--force", "-o", target, url], { env: env() });
      assert.equal(got.code, 2, got.stderr);
      assert.match(
        got.stderr,
        /cannot write .*precious\.txt: no space left on the device; it is left as it was/,
      );
      assert.deepEqual(snapshot(target), before);
      assert.deepEqual(leftovers(disk, ["precious.txt"]), []);
    } finally {
      execFileSync("umount", [disk]);
      rmSync(disk, { recursive: true, force: true });
    }
  });
});

describe("sealbin get -o FILE when the connection breaks", () => {
  let cut: Server;
  let url: string;
  let slow: Server;
  let slowUrl: string;
  const home = cliHome();
  /** A paste server whose content announces 200000 bytes and sends what `send` writes of them. */
  const fakeServer = (send: (res: ServerResponse) => void) =>
    createServer((req, res) => {
      if (req.url === "/abcdef123456") {
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({ id: "abcdef123456", mime_type: "text/plain", size: 200_000, created_at: 0 }),
        );
        return;
      }
      res.writeHead(200, { "content-type": "text/plain", "content-length": "200000" });
      send(res);
    });
  before(async () => {
    // Half of what it announced, then the connection dropped.
    cut = fakeServer((res) => res.write("x".repeat(100_000), () => res.socket?.destroy()));
    // A little, then nothing: the user interrupts.
    slow = fakeServer((res) => res.write("y".repeat(10_000)));
    for (const s of [cut, slow]) await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s: Server) => (s.address() as { port: number }).port;
    url = `http://127.0.0.1:${port(cut)}/abcdef123456`;
    slowUrl = `http://127.0.0.1:${port(slow)}/abcdef123456`;
  });
  after(async () => {
    slow.closeAllConnections();
    for (const s of [cut, slow]) await new Promise((r) => s.close(r));
  });

  it("leaves FILE as it was when the network cuts mid-download (exit 3, the bytes received said)", async () => {
    const dir = join(home.dir, "cut");
    mkdirSync(dir);
    const target = join(dir, "precious.txt");
    writeFileSync(target, "my precious notes\n");
    const before = snapshot(target);
    const got = await runCli(["get", "--force", "-o", target, url], { env: home.env });
    assert.equal(got.code, 3, got.stderr);
    assert.match(got.stderr, /the connection to http:\/\/127\.0\.0\.1:\d+ was cut after \d+ of 200000 bytes/);
    assert.deepEqual(snapshot(target), before);
    assert.deepEqual(leftovers(dir, ["precious.txt"]), []);
    const absent = join(dir, "absent.txt");
    assert.equal((await runCli(["get", "-o", absent, url], { env: home.env })).code, 3);
    assert.ok(!existsSync(absent), "no partial file under the name asked for");
  });

  it("leaves FILE as it was when the user interrupts the download (Ctrl-C), and removes the temporary file", async () => {
    const dir = join(home.dir, "interrupted");
    mkdirSync(dir);
    const target = join(dir, "precious.txt");
    writeFileSync(target, "my precious notes\n");
    const before = snapshot(target);
    const child = spawn(CLI_NODE, [CLI_BIN, "get", "--force", "-o", target, slowUrl], {
      env: home.env,
      stdio: "ignore",
    });
    // Wait for the temporary file to appear beside the target, then interrupt.
    for (let i = 0; i < 100 && leftovers(dir, ["precious.txt"]).length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal(leftovers(dir, ["precious.txt"]).length, 1, "a temporary file beside the target");
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    child.kill("SIGINT");
    assert.equal(await exited, 130);
    assert.deepEqual(snapshot(target), before);
    assert.deepEqual(leftovers(dir, ["precious.txt"]), []);
  });
});

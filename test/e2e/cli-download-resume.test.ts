/**
 * Resumed downloads in the CLI (docs/cli.md, "Resumed downloads"): a version-2 paste cut part way
 * keeps `NAME.part` and `.sealbin-ID.part.json`, and the same command goes on from the last whole
 * record with Range and If-Range; pastes that count their views are never resumed.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CLI_BIN, CLI_NODE, type CliResult, identifiedCli } from "../helpers/cli.ts";
import { type CuttingProxy, startCuttingProxy } from "../helpers/cutting-proxy.ts";
import { FINGERPRINT_A, startServer, type TestServer } from "../helpers/server.ts";

const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const text = (r: CliResult) => r.stdout.toString("utf8");

describe("sealbin get resumes a cut download", () => {
  let server: TestServer;
  let proxy: CuttingProxy;
  const { home, env, cli } = identifiedCli(() => server.url, FINGERPRINT_A);
  /** Uploads `files` (name → bytes) with the CLI; the link, through the proxy. */
  const upload = async (files: Record<string, Buffer>, extra: string[] = []) => {
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(home.dir, name), bytes);
    const made = await cli([...Object.keys(files), ...extra]);
    assert.equal(made.code, 0, made.stderr);
    return text(made).trim().replace(server.url, proxy.url);
  };
  const rawReads = (status: number) =>
    server.logs.filter((l) => l.route === "/:id/raw" && l.method === "GET" && l.status === status).length;
  /** Runs `get` with the proxy cutting each connection after `bytes`. */
  const cutGet = async (args: string[], bytes: number) => {
    proxy.cutAfter(bytes);
    try {
      return await cli(["get", ...args]);
    } finally {
      proxy.cutAfter(undefined);
    }
  };

  before(async () => {
    server = await startServer({ maxAnon: 1 * MiB, maxAuth: 64 * MiB });
    proxy = await startCuttingProxy(server.url);
  });
  after(async () => {
    await proxy.close();
    await server.close();
  });

  it("keeps NAME.part after a cut and goes on from it with a Range request", async () => {
    const big = randomBytes(20 * MiB + 777);
    const link = await upload({ "movie.bin": big });
    const target = join(home.dir, "movie-copy.bin");
    const cut = await cutGet([link, "-o", target], 6 * MiB);
    assert.equal(cut.code, 3, cut.stderr);
    assert.match(cut.stderr, /run the same command again to resume/);
    assert.equal(existsSync(target), false, "no incomplete file under the name");
    const part = statSync(`${target}.part`);
    assert.ok(part.size > 0 && part.size < 6 * MiB, `part of ${part.size} bytes`);
    assert.equal(part.mode & 0o777, 0o600);
    assert.ok(readdirSync(home.dir).some((f) => /^\.sealbin-[0-9a-f]+\.part\.json$/.test(f)));
    const before206 = rawReads(206);
    const resumed = await cli(["get", link, "-o", target]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming the download at [1-9]\d* of 20972297 bytes/);
    assert.equal(rawReads(206) - before206, 1, "one range request");
    assert.equal(sha(readFileSync(target)), sha(big));
    assert.equal(existsSync(`${target}.part`), false);
    assert.equal(
      readdirSync(home.dir).some((f) => f.endsWith(".part.json")),
      false,
      "the state goes with the download",
    );
  });

  it("keeps the part when stopped with Ctrl-C on a stalled network, and resumes it", async () => {
    const big = randomBytes(16 * MiB + 5);
    const link = await upload({ "stalled.bin": big });
    const target = join(home.dir, "stalled-copy.bin");
    proxy.cutAfter(3 * MiB, { stall: true });
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(CLI_NODE, [CLI_BIN, "get", link, "-o", target], {
        env: env(),
        cwd: home.dir,
        stdio: "ignore",
      });
      // Interrupted once the part holds a megabyte: the rest is stalled in the proxy.
      const timer = setInterval(() => {
        if ((statSync(`${target}.part`, { throwIfNoEntry: false })?.size ?? 0) >= MiB) {
          clearInterval(timer);
          child.kill("SIGINT");
        }
      }, 10);
      child.on("exit", (c) => {
        clearInterval(timer);
        resolve(c);
      });
      child.on("error", reject);
    });
    proxy.cutAfter(undefined);
    assert.equal(code, 130);
    assert.ok(statSync(`${target}.part`).size >= MiB);
    const resumed = await cli(["get", link, "-o", target]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming the download at [1-9]/);
    assert.equal(sha(readFileSync(target)), sha(big));
  });

  it("resumes a paste of several files into their names, across the file where it was cut", async () => {
    const files = {
      "a.bin": randomBytes(2 * MiB),
      "b.bin": randomBytes(5 * MiB + 3),
      "c.txt": randomBytes(3 * MiB),
    };
    const link = await upload(files);
    const out = join(home.dir, "several");
    mkdirSync(out);
    const cut = await cutGet([link, "-o", out], 4 * MiB);
    assert.equal(cut.code, 3, cut.stderr);
    assert.deepEqual(
      readdirSync(out)
        .filter((f) => !f.startsWith("."))
        .sort(),
      ["a.bin.part", "b.bin.part", "c.txt.part"],
    );
    const resumed = await cli(["get", link, "-o", out]);
    assert.equal(resumed.code, 0, resumed.stderr);
    for (const [name, bytes] of Object.entries(files))
      assert.equal(sha(readFileSync(join(out, name))), sha(bytes), name);
    assert.deepEqual(readdirSync(out).sort(), ["a.bin", "b.bin", "c.txt"]);
  });

  it("never resumes a paste that counts its views: nothing partial is kept", async () => {
    const big = randomBytes(18 * MiB);
    const link = await upload({ "limited.bin": big }, ["-v", "3"]);
    const target = join(home.dir, "limited-copy.bin");
    const cut = await cutGet([link, "-o", target], 5 * MiB);
    assert.equal(cut.code, 3, cut.stderr);
    assert.equal(existsSync(`${target}.part`), false);
    assert.equal(
      readdirSync(home.dir).some((f) => f.endsWith(".part.json")),
      false,
    );
    const whole = await cli(["get", link, "-o", target]);
    assert.equal(whole.code, 0, whole.stderr);
    assert.doesNotMatch(whole.stderr, /resuming/);
    assert.equal(sha(readFileSync(target)), sha(big));
    assert.match(text(await cli(["get", "-m", link])), /views_left: 1 of 3/);
  });

  it("starts over when the server no longer honours the validator, and refuses a tampered state", async () => {
    const big = randomBytes(17 * MiB);
    const link = await upload({ "stale.bin": big });
    const target = join(home.dir, "stale-copy.bin");
    assert.equal((await cutGet([link, "-o", target], 5 * MiB)).code, 3);
    const stateFile = join(home.dir, readdirSync(home.dir).find((f) => f.endsWith(".part.json")) as string);
    const state = JSON.parse(readFileSync(stateFile, "utf8"));

    const head = Buffer.from(state.head, "base64");
    head[head.length - 1] = (head[head.length - 1] as number) ^ 1;
    writeFileSync(stateFile, JSON.stringify({ ...state, head: head.toString("base64") }));
    const tampered = await cli(["get", link, "-o", target]);
    assert.equal(tampered.code, 4, tampered.stderr);
    assert.equal(existsSync(target), false);

    writeFileSync(stateFile, JSON.stringify({ ...state, etag: '"not-this-paste"' }));
    const whole200 = rawReads(200);
    const over = await cli(["get", link, "-o", target]);
    assert.equal(over.code, 0, over.stderr);
    assert.match(over.stderr, /starting over/);
    assert.equal(rawReads(200) - whole200, 1);
    assert.equal(sha(readFileSync(target)), sha(big));
    assert.equal(existsSync(stateFile), false);
  });

  it("never writes through a NAME.part planted as a link to another file", async () => {
    const link = await upload({ "lure.bin": randomBytes(17 * MiB) });
    const victim = join(home.dir, "victim.txt");
    writeFileSync(victim, "precious\n");
    const target = join(home.dir, "lure-copy.bin");
    symlinkSync(victim, `${target}.part`);
    const refused = await cli(["get", link, "-o", target]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /symbolic link/);
    assert.equal(readFileSync(victim, "utf8"), "precious\n");
    assert.equal(existsSync(target), false);
  });

  it("removes the partial download of a paste deleted meanwhile", async () => {
    const link = await upload({ "gone.bin": randomBytes(17 * MiB) });
    const target = join(home.dir, "gone-copy.bin");
    assert.equal((await cutGet([link, "-o", target], 5 * MiB)).code, 3);
    assert.equal(existsSync(`${target}.part`), true);
    const id = /\/([0-9a-f]+)#/.exec(link)?.[1] as string;
    assert.equal((await cli(["delete", id])).code, 0);
    const gone = await cli(["get", link, "-o", target]);
    assert.equal(gone.code, 1, gone.stderr);
    assert.match(gone.stderr, /its partial download was removed/);
    assert.equal(existsSync(`${target}.part`), false);
    assert.equal(
      readdirSync(home.dir).some((f) => f.endsWith(".part.json")),
      false,
    );
  });
});

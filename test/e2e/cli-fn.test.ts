/**
 * `sealbin fn`: what it says, and with which exit code, when the server's answer is not a sealed
 * reply for it, when the server cannot be reached, and when its files or its usage are wrong.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import nacl from "tweetnacl";
import { encodeKey, sealField, sharedKey } from "../../src/protocol/sealed-call.ts";
import { cliHome, runCli } from "../helpers/cli.ts";

/** A client's files, as the original's README has them saved: client.key, client.secret, server.pub. */
function clientFiles(dir: string, files: { key: Uint8Array; secret: string; serverPublic: Uint8Array }) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "client.key"), encodeKey(files.key));
  writeFileSync(join(dir, "client.secret"), files.secret);
  writeFileSync(join(dir, "server.pub"), encodeKey(files.serverPublic));
}

describe("sealbin fn call against servers that misbehave, and bad files", () => {
  const serverKeys = nacl.box.keyPair();
  const clientKeys = nacl.box.keyPair();
  let answer: (res: ServerResponse) => void = (res) => res.end();
  let fake: Server;
  let url: string;
  const home = cliHome();
  before(async () => {
    fake = createServer((req, res) => {
      req.resume();
      req.on("end", () => answer(res));
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v1`;
    clientFiles(home.dir, {
      key: clientKeys.secretKey,
      secret: "ab".repeat(64),
      serverPublic: serverKeys.publicKey,
    });
  });
  after(async () => {
    await new Promise((resolve) => fake.close(resolve));
  });
  const call = (...extra: string[]) => runCli(["fn", "call", url, "time_test", ...extra], { env: home.env });

  it("prints an answer sealed for it, says 4 for one that does not open, 1 for one that is no JSON", async () => {
    const json =
      (body: unknown, status = 200) =>
      (res: ServerResponse) => {
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      };
    answer = json({
      value: sealField(Buffer.from("sealed for you"), sharedKey(clientKeys.publicKey, serverKeys.secretKey)),
    });
    const ok = await call();
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.toString(), "sealed for you\n");

    const other = nacl.box.keyPair();
    for (const value of [
      sealField(Buffer.from("x"), sharedKey(clientKeys.publicKey, other.secretKey)),
      42,
      undefined,
    ]) {
      answer = json({ value });
      const refused = await call();
      assert.equal(refused.code, 4, JSON.stringify(value));
      assert.equal(refused.stderr, "sealbin: the answer could not be decrypted with the server's key\n");
    }
    answer = (res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>");
    const html = await call();
    assert.equal(html.code, 1);
    assert.equal(html.stderr, "sealbin: the server's answer is not JSON: is this a sealbin server?\n");
    answer = json({ error: "Broken" }, 500);
    const broken = await call();
    assert.equal(broken.code, 1);
    assert.equal(broken.stderr, "sealbin: server answered 500: Broken\n");
  });

  it("says 3 for a server it cannot reach, and 2 for bad usage and unreadable or malformed files", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const gone = await runCli(["fn", "call", `http://127.0.0.1:${port}/v1`, "time_test"], { env: home.env });
    assert.equal(gone.code, 3, gone.stderr);
    assert.match(gone.stderr, /^sealbin: cannot reach http:\/\/127\.0\.0\.1:\d+: connection refused\n$/);

    const cases: [string[], string][] = [
      [
        ["fn", "call", "ftp://x/v1", "time_test"],
        "sealbin: the URL must be http:// or https:// (e.g. http://localhost:5000/v1)\n",
      ],
      [
        ["fn", "call", url, "time_test", "--secret", "nope"],
        "sealbin: cannot read client secret nope: ENOENT\n",
      ],
      [
        ["fn", "call", url, "time_test", "--secret", "client.key"],
        "sealbin: the client secret must be the hex string appendclient printed\n",
      ],
      [
        ["fn", "call", url, "time_test", "--key", "client.secret"],
        "sealbin: client key client.secret is not a 32-byte base64 key\n",
      ],
      [
        ["fn", "call", url, "time_test", "--dir", "elsewhere"],
        "sealbin: cannot read client secret elsewhere/client.secret: ENOENT\n",
      ],
      [["fn", "keygen", "pair"], "sealbin: usage: sealbin fn keygen pair|private|public NAME\n"],
      [["fn", "keygen", "pair", "client"], "sealbin: client.key exists: not replacing a private key\n"],
    ];
    for (const [args, stderr] of cases) {
      const run = await runCli(args, { env: home.env });
      assert.equal(run.code, 2, args.join(" "));
      assert.equal(run.stderr, stderr, args.join(" "));
    }
    const usage = await runCli(["fn", "call", url], { env: home.env });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^sealbin: sealbin fn keygen pair\|private\|public NAME\n/);
  });

  it("keygen public derives the public key of an existing private key", async () => {
    const made = await runCli(["fn", "keygen", "public", "client"], { env: home.env });
    assert.equal(made.code, 0, made.stderr);
    assert.equal(made.stderr, "Generated: client.pub\n");
    assert.equal(made.stdout.toString(), `${encodeKey(clientKeys.publicKey)}\n`);
  });
});

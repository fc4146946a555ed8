/**
 * Issue 19, item 2: the CLI says what the server said. A paste over the limits GET / states is
 * refused before any work, in the words of the server's 413; every refusal shows its status and
 * `error`; exit 3 only when the server was not reached; TLS mistakes name their fix.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type CliResult, cliHome, runCli } from "../helpers/cli.ts";
import { startServer, type TestServer } from "../helpers/server.ts";
import { startTlsServer } from "../helpers/tls-server.ts";

const MiB = 1024 * 1024;
const text = (r: CliResult) => r.stdout.toString("utf8").trim();

describe("sealbin and a paste over the server's limit", () => {
  let server: TestServer;
  const home = cliHome();
  const big = join(home.dir, "twenty.bin");
  before(async () => {
    // A difficulty no test could wait for: a paste refused before the work proves it was never solved.
    // 20 MiB goes up resumably, where an identified caller's limit is MAX_FILE.
    server = await startServer({ maxAnon: 3 * MiB, maxAuth: 50 * MiB, maxFile: 50 * MiB, powDifficulty: 40 });
    writeFileSync(big, randomBytes(20 * MiB));
  });
  after(async () => {
    await server.close();
  });

  it("refuses a 20 MiB anonymous paste before encrypting or solving, in the words of the 413, exit 1", async () => {
    const logged = server.logs.length;
    const refused = await runCli([big], { env: { ...home.env, SEALBIN_SERVER: server.url } });
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      "sealbin: paste too large: 20.0 MiB, the limit for anonymous pastes is 3.0 MiB (authenticate with a certificate or token for 50.0 MiB)\n",
    );
    const routes = server.logs.slice(logged).map((l) => `${l.method} ${l.route}`);
    assert.deepEqual(
      routes.filter((r) => !r.startsWith("undefined")),
      ["GET /"],
      "only the limits were asked for: no challenge, no upload",
    );
  });
});

describe("sealbin and the server's own 413", () => {
  let server: TestServer;
  const home = cliHome();
  before(async () => {
    // The header is trusted from no peer: the CLI believes its cert_sha1 identifies it, the server does not.
    server = await startServer({ maxAnon: 1 * MiB, maxAuth: 50 * MiB, identityProxies: ["10.255.255.0/24"] });
  });
  after(async () => {
    await server.close();
  });

  it("reports the 413 the server answers mid-upload as the refusal it is, never as an unreachable server", async () => {
    const file = join(home.dir, "three.bin");
    writeFileSync(file, randomBytes(3 * MiB));
    const env = { ...home.env, SEALBIN_SERVER: server.url, SEALBIN_CERT_SHA1: "a".repeat(40) };
    for (let i = 0; i < 5; i++) {
      const refused = await runCli(["-E", file], { env });
      assert.equal(refused.code, 1, refused.stderr);
      assert.equal(
        refused.stderr,
        "sealbin: paste too large: 3.0 MiB, the limit for anonymous pastes is 1.0 MiB (authenticate with a certificate or token for 50.0 MiB)\n" +
          "hint: an identity is configured, but the server did not take you as authenticated: sealbin list shows whether it knows you\n",
      );
    }
  });
});

describe("sealbin's refusals and failures to reach a server", () => {
  let server: TestServer;
  let proxyError: Server;
  let proxyErrorUrl: string;
  const home = cliHome();
  before(async () => {
    server = await startServer();
    // What a reverse proxy answers when its backend is down: HTML, no JSON.
    proxyError = createServer((_req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    });
    await new Promise<void>((r) => proxyError.listen(0, "127.0.0.1", r));
    proxyErrorUrl = `http://127.0.0.1:${(proxyError.address() as { port: number }).port}`;
  });
  after(async () => {
    await server.close();
    await new Promise((r) => proxyError.close(r));
  });

  it("shows every refusal's status and error text, exit 1", async () => {
    const env = { ...home.env, SEALBIN_SERVER: server.url };
    const missing = await runCli(["get", "0123456789ab"], { env });
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, "sealbin: server answered 404: Paste not found\n");
    const gateway = await runCli(["-s", proxyErrorUrl, "info"], { env });
    assert.equal(gateway.code, 1, "the server was reached: a refusal, not exit 3");
    assert.equal(gateway.stderr, "sealbin: server answered 502: Bad Gateway\n");
  });

  it("exits 3 only when the server was not reached, and says where the URL came from", async () => {
    const down = await runCli(["info"], { env: { ...home.env, SEALBIN_SERVER: "http://127.0.0.1:9" } });
    assert.equal(down.code, 3);
    assert.match(down.stderr, /^sealbin: cannot reach http:\/\/127\.0\.0\.1:9: connection refused\n/);
    assert.match(
      down.stderr,
      /hint: is the server running at http:\/\/127\.0\.0\.1:9\? that URL comes from SEALBIN_SERVER/,
    );
  });

  it("says that an https:// URL points at a plain-HTTP server, and which URL to use", async () => {
    const https = server.url.replace(/^http:/, "https:");
    const got = await runCli(["-s", https, "info"], { env: home.env });
    assert.equal(got.code, 3);
    assert.match(
      got.stderr,
      new RegExp(`^sealbin: cannot reach ${https}: it answers plain HTTP, not HTTPS\n`),
    );
    assert.match(
      got.stderr,
      new RegExp(`hint: use ${server.url} \\(sealbin config server ${server.url}, or -s ${server.url}\\)`),
    );
  });
});

describe("sealbin against a server whose certificate its own PKI signed", () => {
  let tls: Awaited<ReturnType<typeof startTlsServer>>;
  let url: string;
  before(async () => {
    tls = await startTlsServer();
    url = tls.url;
  });
  after(async () => {
    await tls.close();
  });

  it("says a CA is missing and to run pki download --configure, which then makes the server trusted", async () => {
    const home = cliHome();
    const env = { ...home.env, SEALBIN_SERVER: url };
    const untrusted = await runCli(["info"], { env });
    assert.equal(untrusted.code, 3);
    assert.match(
      untrusted.stderr,
      /cannot reach https:\/\/127\.0\.0\.1:\d+: its certificate is not signed by a CA this machine trusts/,
    );
    assert.match(untrusted.stderr, /hint: .*sealbin pki download --configure/);

    const download = await runCli(["pki", "download", "--configure"], { env });
    assert.equal(download.code, 0, download.stderr);
    const fingerprint = /CA fingerprint \(SHA-1\): ([0-9a-f]{40})/.exec(download.stderr)?.[1];
    assert.ok(fingerprint, download.stderr);
    assert.match(download.stderr, /compare the fingerprint with your admin's/);
    const saved = join(home.env.XDG_CONFIG_HOME ?? "", "sealbin", "ca.crt");
    assert.equal(readFileSync(saved, "utf8"), readFileSync(tls.caFile, "utf8"));

    const trusted = await runCli(["info"], { env });
    assert.equal(trusted.code, 0, trusted.stderr);
    const status = await runCli(["pki", "status"], { env });
    assert.match(text(status), new RegExp(`CA fingerprint: ${fingerprint}`));
    const again = await runCli(["pki", "download", "--configure"], { env });
    assert.equal(again.code, 2, "the saved CA is not replaced without --force");
    assert.match(again.stderr, /ca\.crt exists; pass --force to replace it/);
  });
});

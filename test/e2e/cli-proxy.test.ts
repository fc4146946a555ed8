/**
 * Issue 19, item 3: HTTP_PROXY, HTTPS_PROXY and NO_PROXY, honoured as curl does — plain requests
 * through the proxy with the absolute URI, CONNECT tunnels for https://, and NO_PROXY's `*`, hosts,
 * domain suffixes and ports reached directly. The proxy is a small one written here.
 */
import assert from "node:assert/strict";
import { createServer, request, type Server } from "node:http";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { type CliResult, cliHome, runCli } from "../helpers/cli.ts";
import { startServer, type TestServer } from "../helpers/server.ts";
import { startTlsServer } from "../helpers/tls-server.ts";

const text = (r: CliResult) => r.stdout.toString("utf8").trim();

/** A forwarding proxy: absolute-URI requests and CONNECT; it notes each request line and credential. */
async function startProxy(options: { refuseConnect?: boolean } = {}) {
  const seen: string[] = [];
  const credentials: string[] = [];
  const proxy: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.headers["proxy-authorization"]) credentials.push(String(req.headers["proxy-authorization"]));
    const target = new URL(req.url ?? "");
    const headers = { ...req.headers };
    delete headers["proxy-authorization"];
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  const tunnels = new Set<{ destroy(): void }>();
  proxy.on("connect", (req, socket, head) => {
    seen.push(`CONNECT ${req.url}`);
    tunnels.add(socket);
    if (options.refuseConnect) {
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    const [host = "", port = ""] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host, () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    tunnels.add(upstream);
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  return {
    url,
    seen,
    credentials,
    close: () => {
      // Tunnels are not the server's connections any more: closed here, or close() would wait for them.
      for (const t of tunnels) t.destroy();
      proxy.closeAllConnections();
      return new Promise((r) => proxy.close(r));
    },
  };
}

describe("sealbin behind an HTTP proxy", () => {
  let server: TestServer;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  const home = cliHome();
  before(async () => {
    server = await startServer();
    proxy = await startProxy();
  });
  after(async () => {
    await proxy.close();
    await server.close();
  });

  it("sends http:// requests through HTTP_PROXY, with the absolute URI, and its credentials", async () => {
    const withCredentials = proxy.url.replace("http://", "http://alice:s%40cret@");
    const env = { ...home.env, SEALBIN_SERVER: server.url, HTTP_PROXY: withCredentials };
    const created = await runCli([], { env, input: "through the proxy" });
    assert.equal(created.code, 0, created.stderr);
    const got = await runCli(["get", text(created)], { env });
    assert.equal(text(got), "through the proxy");
    const id = /\/([0-9a-f]{12})#/.exec(text(created))?.[1];
    assert.ok(proxy.seen.includes(`POST ${server.url}/`), proxy.seen.join("\n"));
    assert.ok(proxy.seen.includes(`GET ${server.url}/${id}/raw`), proxy.seen.join("\n"));
    assert.ok(proxy.credentials.includes(`Basic ${Buffer.from("alice:s@cret").toString("base64")}`));
  });

  it("honours the lower-case http_proxy too, before HTTP_PROXY", async () => {
    const before = proxy.seen.length;
    const env = {
      ...home.env,
      SEALBIN_SERVER: server.url,
      http_proxy: proxy.url,
      HTTP_PROXY: "http://127.0.0.1:9",
    };
    const shown = await runCli(["info"], { env });
    assert.equal(shown.code, 0, shown.stderr);
    assert.deepEqual(proxy.seen.slice(before), [`GET ${server.url}/`]);
  });

  it("says when the proxy cannot be reached, naming the variable it came from (exit 3)", async () => {
    const env = { ...home.env, SEALBIN_SERVER: server.url, HTTP_PROXY: "http://127.0.0.1:9" };
    const down = await runCli(["info"], { env });
    assert.equal(down.code, 3);
    assert.match(
      down.stderr,
      /^sealbin: cannot reach the proxy http:\/\/127\.0\.0\.1:9 \(from HTTP_PROXY\): connection refused\n/,
    );
    const socks = await runCli(["info"], { env: { ...env, HTTP_PROXY: "socks5://127.0.0.1:1080" } });
    assert.equal(socks.code, 2);
    assert.match(socks.stderr, /HTTP_PROXY: only http:\/\/ proxies are supported/);
  });

  it("reaches NO_PROXY's hosts directly: *, the host, a domain suffix, the host with its port", async () => {
    const port = new URL(server.url).port;
    const dead = "http://127.0.0.1:9";
    for (const noProxy of ["*", "127.0.0.1", `127.0.0.1:${port}`, "example.com, 127.0.0.1"]) {
      const env = { ...home.env, SEALBIN_SERVER: server.url, HTTP_PROXY: dead, NO_PROXY: noProxy };
      const shown = await runCli(["info"], { env });
      assert.equal(shown.code, 0, `NO_PROXY=${noProxy}: ${shown.stderr}`);
    }
    const byName = { ...home.env, SEALBIN_SERVER: `http://localhost:${port}`, HTTP_PROXY: dead };
    assert.equal(
      (await runCli(["info"], { env: { ...byName, no_proxy: ".localhost" } })).code,
      0,
      "a domain suffix",
    );
    assert.equal((await runCli(["info"], { env: { ...byName, no_proxy: "localhost" } })).code, 0);
    const otherPort = { ...home.env, SEALBIN_SERVER: server.url, HTTP_PROXY: dead, NO_PROXY: "127.0.0.1:1" };
    assert.equal((await runCli(["info"], { env: otherPort })).code, 3, "another port goes through the proxy");
  });
});

describe("sealbin to an https:// server through HTTPS_PROXY", () => {
  let tls: Awaited<ReturnType<typeof startTlsServer>>;
  let server: TestServer;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let refusing: Awaited<ReturnType<typeof startProxy>>;
  let url: string;
  const home = cliHome();
  before(async () => {
    tls = await startTlsServer();
    ({ server, url } = tls);
    proxy = await startProxy();
    refusing = await startProxy({ refuseConnect: true });
  });
  after(async () => {
    await proxy.close();
    await refusing.close();
    await tls.close();
  });

  it("tunnels with CONNECT and checks the server's certificate end to end", async () => {
    const env = {
      ...home.env,
      SEALBIN_SERVER: url,
      SEALBIN_CA_CERT: tls.caFile,
      HTTPS_PROXY: proxy.url,
    };
    const created = await runCli([], { env, input: "tunnelled" });
    assert.equal(created.code, 0, created.stderr);
    assert.equal(text(await runCli(["get", text(created)], { env })), "tunnelled");
    assert.ok(proxy.seen.includes(`CONNECT 127.0.0.1:${server.port}`), proxy.seen.join("\n"));
    assert.ok(
      !proxy.seen.some((line) => line.startsWith("POST")),
      "the proxy saw no request inside the tunnel",
    );
    const untrusted = await runCli(["info"], { env: { ...env, SEALBIN_CA_CERT: "" } });
    assert.equal(untrusted.code, 3);
    assert.match(untrusted.stderr, /its certificate is not signed by a CA this machine trusts/);
  });

  it("says when the proxy will not open the tunnel (exit 3)", async () => {
    const env = {
      ...home.env,
      SEALBIN_SERVER: url,
      SEALBIN_CA_CERT: tls.caFile,
      https_proxy: refusing.url,
    };
    const refused = await runCli(["info"], { env });
    assert.equal(refused.code, 3);
    assert.match(
      refused.stderr,
      new RegExp(
        `the proxy ${refusing.url} \\(from https_proxy\\) would not connect to 127\\.0\\.0\\.1:${server.port}: it answered 403 Forbidden`,
      ),
    );
  });
});

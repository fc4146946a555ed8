import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { hostname, networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { cliHome, runCli } from "../helpers/cli.ts";
import { spawnServer } from "../helpers/process.ts";
import {
  FINGERPRINT_A,
  FINGERPRINT_B,
  type Json,
  jsonOf,
  solvedPowHeaders,
  startServer,
  type TestServer,
} from "../helpers/server.ts";

const execFileAsync = promisify(execFile);

async function shorten(server: TestServer, url: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/s`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(url === undefined ? {} : { url }),
  });
  return { res, json: await jsonOf(res) };
}

describe("the URL shortener", () => {
  let server: TestServer;
  let target: Server;
  let targetUrl: string;
  before(async () => {
    server = await startServer();
    // A real destination on loopback, so the redirect is followed all the way by real clients.
    target = createServer((req, res) => {
      res.setHeader("content-type", "text/plain");
      res.end(`landed on ${req.url}`);
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    const address = target.address();
    targetUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  after(async () => {
    await server.close();
    await new Promise((resolve) => target.close(resolve));
  });

  it("creates a short URL: 201 with id, url, target_url, created_at, and a base62 id of SHORT_ID_LENGTH", async () => {
    const { res, json } = await shorten(server, `${targetUrl}/long/path?q=1`);
    assert.equal(res.status, 201);
    assert.match(json.id, /^[0-9A-Za-z]{8}$/);
    assert.deepEqual(Object.keys(json).sort(), ["created_at", "id", "target_url", "url"]);
    assert.equal(json.url, `/s/${json.id}`);
    assert.equal(json.target_url, `${targetUrl}/long/path?q=1`);
    assert.equal(res.headers.get("location"), json.url);
  });

  it("redirects with 302, followed to the target by fetch and by curl -L", async () => {
    const { json } = await shorten(server, `${targetUrl}/followed`);
    const res = await fetch(`${server.url}/s/${json.id}`, { redirect: "manual" });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("location"), `${targetUrl}/followed`);
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.equal(await (await fetch(`${server.url}/s/${json.id}`)).text(), "landed on /followed");
    const { stdout } = await execFileAsync("curl", ["-sSL", `${server.url}/s/${json.id}`]);
    assert.equal(stdout, "landed on /followed");
  });

  it("counts clicks (GET, not HEAD) without a write per click, and writes them to the store", async () => {
    const { json } = await shorten(server, `${targetUrl}/counted`);
    for (let i = 0; i < 3; i++) await fetch(`${server.url}/s/${json.id}`, { redirect: "manual" });
    assert.equal(
      (await fetch(`${server.url}/s/${json.id}`, { method: "HEAD", redirect: "manual" })).status,
      302,
    );
    const info = await jsonOf(await fetch(`${server.url}/s/${json.id}/info`));
    assert.deepEqual(info, {
      id: json.id,
      url: `/s/${json.id}`,
      target_url: `${targetUrl}/counted`,
      created_at: json.created_at,
      clicks: 3,
    });
    // The buffer is flushed within a second.
    let stored = 0;
    for (let i = 0; i < 40 && stored < 3; i++) {
      await new Promise((r) => setTimeout(r, 50));
      stored = (await server.store.shortener.findShortUrl(json.id, 0))?.clicks ?? 0;
    }
    assert.equal(stored, 3);
    assert.equal(
      (await jsonOf(await fetch(`${server.url}/s/${json.id}/info`))).clicks,
      3,
      "not counted twice",
    );
  });

  it("expires with X-Expiry, and answers 404 for unknown or malformed ids", async () => {
    const { res, json } = await shorten(server, `${targetUrl}/brief`, { "x-expiry": "60" });
    assert.equal(res.status, 201);
    assert.equal(json.expires_at, json.created_at + 60);
    server.clock.advanceSeconds(61);
    const gone = await fetch(`${server.url}/s/${json.id}`, { redirect: "manual" });
    assert.equal(gone.status, 404);
    assert.deepEqual(await jsonOf(gone), { error: "Short URL not found", code: "short_url_not_found" });
    assert.equal((await fetch(`${server.url}/s/${json.id}/info`)).status, 404);
    assert.equal((await fetch(`${server.url}/s/not-base62!`, { redirect: "manual" })).status, 404);
  });

  it("lists the caller's short URLs with the paging of GET /pastes, and lets only the owner delete", async () => {
    const a = { "x-ssl-client-sha1": FINGERPRINT_A };
    const b = { "x-ssl-client-sha1": FINGERPRINT_B };
    const mine = await shorten(server, `${targetUrl}/mine`, a);
    assert.equal(mine.json.owner, FINGERPRINT_A);
    await shorten(server, `${targetUrl}/mine-too`, a);
    const anonymous = await fetch(`${server.url}/s`);
    assert.equal(anonymous.status, 401);
    assert.deepEqual(await jsonOf(anonymous), {
      error: "Authentication required",
      code: "authentication_required",
    });
    const page = await jsonOf(await fetch(`${server.url}/s?limit=1`, { headers: a }));
    assert.equal(page.count, 1);
    assert.equal(page.total, 2);
    assert.equal(page.limit, 1);
    assert.equal(page.offset, 0);
    assert.deepEqual(Object.keys(page.short_urls[0]).sort(), [
      "clicks",
      "created_at",
      "id",
      "owner",
      "target_url",
      "url",
    ]);
    assert.equal((await jsonOf(await fetch(`${server.url}/s`, { headers: b }))).total, 0);
    const notAdmin = await fetch(`${server.url}/s?all=1`, { headers: a });
    assert.equal(notAdmin.status, 403);
    assert.deepEqual(await jsonOf(notAdmin), { error: "Admin access required", code: "admin_required" });

    const del = (headers: Record<string, string>) =>
      fetch(`${server.url}/s/${mine.json.id}`, { method: "DELETE", headers });
    assert.equal((await del({})).status, 401);
    const notOwner = await del(b);
    assert.equal(notOwner.status, 403);
    assert.deepEqual(await jsonOf(notOwner), { error: "Permission denied", code: "permission_denied" });
    const ok = await del(a);
    assert.equal(ok.status, 200);
    assert.deepEqual(await jsonOf(ok), { message: "Short URL deleted" });
    assert.equal((await del(a)).status, 404);
  });

  it("accepts ordinary http and https targets, normalized", async () => {
    const cases: [string, string][] = [
      ["https://example.com", "https://example.com/"],
      ["HTTPS://Example.COM/Path", "https://example.com/Path"],
      ["http://[::1]:8080/x", "http://[::1]:8080/x"],
      ["https://bücher.example/ä", "https://xn--bcher-kva.example/%C3%A4"],
      ["https://example.com/a?b=c&d=e#frag", "https://example.com/a?b=c&d=e#frag"],
      ["http://intranet-wiki/page", "http://intranet-wiki/page"],
      [`${server.url}/0123456789ab`, `${server.url}/0123456789ab`],
    ];
    for (const [input, expected] of cases) {
      const { res, json } = await shorten(server, input);
      assert.equal(res.status, 201, `${input}: ${JSON.stringify(json)}`);
      assert.equal(json.target_url, expected);
    }
  });

  it("refuses every malicious or malformed target with a 400 that says why, and stores none", async () => {
    const self = new URL(server.url).host;
    const refused: [unknown, RegExp][] = [
      ["javascript:alert(1)", /Only http and https/],
      ["JAVASCRIPT:alert(document.cookie)", /Only http and https/],
      ["  javascript:alert(1)", /whitespace or control/],
      ["data:text/html,<script>alert(1)</script>", /Only http and https/],
      ["data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", /Only http and https/],
      ["file:///etc/passwd", /Only http and https/],
      ["ftp://example.com/file", /Only http and https/],
      ["vbscript:msgbox(1)", /Only http and https/],
      ["blob:https://example.com/0d9e", /Only http and https/],
      ["about:blank", /Only http and https/],
      ["mailto:someone@example.com", /Only http and https/],
      ["//evil.example/path", /Only http and https/],
      ["/relative/path", /Only http and https/],
      ["https:evil.example", /must be absolute/],
      ["https:/evil.example", /must be absolute/],
      ["https://user:pass@example.com/", /user credentials/],
      ["https://@example.com/", /user credentials/],
      ["https://example.com@evil.example/", /user credentials/],
      ["https://good.example%2F@evil.example/", /user credentials/],
      ["http://evil.example\\@good.example/", /backslashes/],
      ["https:\\\\evil.example\\", /backslashes/],
      [" https://example.com", /whitespace or control/],
      ["https://example.com/ path", /whitespace or control/],
      ["https://exa\tmple.com", /whitespace or control/],
      ["https://example.com/\r\nSet-Cookie: a=1", /whitespace or control/],
      ["https://example.com/\u0000", /whitespace or control/],
      ["https://example.com\u200b.evil.example", /whitespace or control/],
      ["https://example.com/\u202egnp.exe", /whitespace or control/],
      ["https://\u00a0example.com", /whitespace or control/],
      ["https://example.com/\u2028", /whitespace or control/],
      ["http://", /must be absolute/],
      ["https://", /must be absolute/],
      ["https://-bad-.example/", /valid host/],
      ["https://example..com/", /valid host|Invalid URL/],
      ["https://1.2.3.4.5/", /valid host|Invalid URL/],
      ["https://example.com:99999/", /Invalid URL/],
      ["http://[::1", /Invalid URL/],
      ["https://evil.example%00.good.example/", /Invalid URL|valid host/],
      [`https://example.com/${"a".repeat(2100)}`, /URL too long \(max 2048 characters\)/],
      [`http://${self}/s/AbCdEfGh`, /redirect loop/],
      [`http://${self}/s`, /redirect loop/],
      [`http://${self.toUpperCase()}/s/x`, /redirect loop/],
      [42, /url must be a string/],
      [["https://example.com"], /url must be a string/],
      [{ href: "https://example.com" }, /url must be a string/],
      [undefined, /URL required/],
      [null, /URL required/],
      ["", /URL required/],
    ];
    assert.ok(refused.length >= 30);
    // Each refusal has its code: what is missing, too long, a loop, or else a target of the wrong form.
    const codeOf = (message: string) =>
      message === "URL required"
        ? "url_required"
        : message.startsWith("URL too long")
          ? "target_url_too_long"
          : message.includes("redirect loop")
            ? "redirect_loop"
            : "invalid_target_url";
    const before = (await server.store.shortener.listShortUrls(null, 0, 1, 0)).total;
    for (const [input, why] of refused) {
      const { res, json } = await shorten(server, input);
      assert.equal(res.status, 400, `${JSON.stringify(input)} was accepted: ${JSON.stringify(json)}`);
      assert.match(json.error, why, `${JSON.stringify(input)}: ${json.error}`);
      assert.equal(json.code, codeOf(json.error), `${JSON.stringify(input)}: ${json.error}`);
    }
    assert.equal((await server.store.shortener.listShortUrls(null, 0, 1, 0)).total, before);
  });

  it("answers a body without a usable url with the documented body: required, or not a string", async () => {
    const required = {
      error: "URL required",
      code: "url_required",
      hint: 'POST JSON {"url": "https://…"}',
    };
    const notString = { error: "url must be a string", code: "invalid_target_url" };
    const cases: [string, object][] = [
      ["{}", required],
      ['{"url": null}', required],
      ['{"url": ""}', required],
      ['"https://example.com"', required],
      ["[]", required],
      ["null", required],
      ['{"url": 42}', notString],
      ['{"url": ["https://example.com"]}', notString],
      ['{"url": true}', notString],
    ];
    for (const [body, expected] of cases) {
      const res = await fetch(`${server.url}/s`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      assert.equal(res.status, 400, body);
      assert.deepEqual(await jsonOf(res), expected, body);
    }
  });

  it("refuses a body that is not JSON", async () => {
    const res = await fetch(`${server.url}/s`, { method: "POST", body: "https://example.com" });
    assert.ok(res.status === 400 || res.status === 415, String(res.status));
    assert.equal(typeof (await jsonOf(res)).error, "string");
  });

  it("is what `sealbin shorten` uses", async () => {
    const home = cliHome();
    const made = await runCli(["shorten", `${targetUrl}/via-cli`], {
      env: { ...home.env, SEALBIN_SERVER: server.url },
    });
    assert.equal(made.code, 0, made.stderr);
    const short = made.stdout.toString().trim();
    assert.match(short, new RegExp(`^${server.url}/s/[0-9A-Za-z]{8}$`));
    const { stdout } = await execFileAsync("curl", ["-sSL", short]);
    assert.equal(stdout, "landed on /via-cli");
  });
});

describe("the URL shortener with proof-of-work", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ powDifficulty: 8 });
  });
  after(async () => {
    await server.close();
  });

  it("needs a solved challenge, as paste creation does", async () => {
    const without = await shorten(server, "https://example.com/");
    assert.equal(without.res.status, 400);
    assert.equal(without.json.error, "Proof-of-work required");
    assert.equal(without.json.code, "pow_required");
    const solved = await shorten(server, "https://example.com/", await solvedPowHeaders(server));
    assert.equal(solved.res.status, 201);
  });
});

/** The one answer to a target that would send a redirect back into this server's /s/ route. */
const LOOP = {
  error: "URL must not point to a short URL of this server (redirect loop)",
  code: "redirect_loop",
};

/** POST /s over node:http, which (unlike fetch) sends the Host header it is given. */
function shortenWithHost(base: string, url: string, host: string): Promise<{ status: number; json: Json }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/s`, {
      method: "POST",
      headers: { host, "content-type": "application/json" },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Json }));
    });
    req.end(JSON.stringify({ url }));
  });
}

async function assertRefusedAsLoop(server: { url: string }, targets: string[]): Promise<void> {
  for (const url of targets) {
    const res = await fetch(`${server.url}/s`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url }),
    });
    assert.equal(res.status, 400, `${url} was accepted`);
    assert.deepEqual(await jsonOf(res), LOOP, url);
  }
}

async function assertAccepted(server: { url: string }, targets: string[]): Promise<void> {
  for (const url of targets) {
    const res = await fetch(`${server.url}/s`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url }),
    });
    const json = await jsonOf(res);
    assert.equal(res.status, 201, `${url}: ${JSON.stringify(json)}`);
  }
}

/** An address of this machine other than loopback, if it has one. */
function externalInterfaceAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (!info.internal && info.family === "IPv4") return info.address;
  }
  return undefined;
}

describe("short URLs never point back at sealbin", () => {
  let server: TestServer;
  let prefixed: TestServer;
  let otherPort: number;
  let id: string;
  before(async () => {
    server = await startServer();
    prefixed = await startServer({ urlPrefix: "/paste" });
    otherPort = prefixed.port;
    id = (await shorten(server, "https://example.com/landing")).json.id;
  });
  after(async () => {
    await server.close();
    await prefixed.close();
  });

  it("the router dispatches percent-encoded spellings of /s/<id> to the redirect (the loop the refusal prevents)", async () => {
    const first = id.charCodeAt(0).toString(16).toUpperCase();
    for (const path of [`/s/${id}`, `/%73/${id}`, `/s/%${first}${id.slice(1)}`]) {
      const res = await fetch(`${server.url}${path}`, { redirect: "manual" });
      assert.equal(res.status, 302, path);
      assert.equal(res.headers.get("location"), "https://example.com/landing", path);
    }
  });

  it("refuses this server's /s/ however the path is spelled: percent-encoded, dot segments, doubled slashes, encoded slashes", async () => {
    const first = id.charCodeAt(0).toString(16);
    await assertRefusedAsLoop(
      server,
      [
        `/s/${id}`,
        `/%73/${id}`,
        `/%73%2f${id}`,
        `/s/%${first}${id.slice(1)}`,
        `/s/${id}?utm=1`,
        `/s/${id}#top`,
        `/s/${id}/info`,
        "/s/",
        "/s",
        "/%73",
        `/./s/${id}`,
        `/a/../s/${id}`,
        `/%2e/s/${id}`,
        `/%2E%2E/s/${id}`,
        `/a/..%2Fs/${id}`,
        `//s/${id}`,
        `/s//${id}`,
        `/s%2F${id}`,
      ].map((path) => `${server.url}${path}`),
    );
  });

  it("refuses every alias of the listen address: localhost, loopback, IPv4 in any notation, the machine's name", async () => {
    const p = server.port;
    await assertRefusedAsLoop(
      server,
      [
        `127.0.0.1:${p}`,
        `localhost:${p}`,
        `LOCALHOST:${p}`,
        `localhost.:${p}`,
        `app.localhost:${p}`,
        `127.0.0.2:${p}`,
        `127.255.255.254:${p}`,
        `[::1]:${p}`,
        `[0:0:0:0:0:0:0:1]:${p}`,
        `[::ffff:127.0.0.1]:${p}`,
        `[::ffff:7f00:1]:${p}`,
        `2130706433:${p}`,
        `0x7f000001:${p}`,
        `0x7f.1:${p}`,
        `0177.0.0.1:${p}`,
        `127.1:${p}`,
        `0.0.0.0:${p}`,
        `0:${p}`,
        `[::]:${p}`,
        // The machine's name, when it is one a URL can carry (a container's may not be).
        ...(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/i.test(hostname()) ? [`${hostname()}:${p}`] : []),
      ].flatMap((host) => [`http://${host}/s/${id}`, `https://${host}/%73/${id}`]),
    );
  });

  it("refuses the host the creating request named, on its port or, without one, the scheme's default port", async () => {
    const refused: [host: string, url: string][] = [
      ["paste.example:8080", "http://paste.example:8080/s/AbCdEfGh"],
      ["Paste.Example:8080", "http://PASTE.example:8080/%73/AbCdEfGh"],
      ["paste.example:80", "http://paste.example/s/AbCdEfGh"],
      ["paste.example:443", "https://paste.example/s/AbCdEfGh"],
      ["paste.example:443", "https://paste.example:443/s/AbCdEfGh"],
      ["paste.example", "https://paste.example/s/AbCdEfGh"],
      // A Host without a port could be any port behind a proxy: refuse rather than guess.
      ["paste.example", "http://paste.example:8443/s/AbCdEfGh"],
      ["10.1.2.3:8080", "http://167838211:8080/s/AbCdEfGh"],
    ];
    for (const [host, url] of refused) {
      const { status, json } = await shortenWithHost(server.url, url, host);
      assert.equal(status, 400, `${url} with Host ${host} was accepted`);
      assert.deepEqual(json, LOOP, url);
    }
    const accepted: [host: string, url: string][] = [
      ["paste.example:8080", "http://paste.example:9090/s/AbCdEfGh"],
      ["paste.example:80", "https://paste.example/s/AbCdEfGh"],
      ["paste.example:8080", "http://other.example:8080/s/AbCdEfGh"],
      ["paste.example:8080", "http://paste.example:8080/0123456789ab"],
    ];
    for (const [host, url] of accepted) {
      const { status, json } = await shortenWithHost(server.url, url, host);
      assert.equal(status, 201, `${url} with Host ${host}: ${JSON.stringify(json)}`);
    }
  });

  it("refuses loops through URL_PREFIX, with or without the prefix", async () => {
    const base = prefixed.url;
    await assertRefusedAsLoop(prefixed, [
      `${base}/paste/s/AbCdEfGh`,
      `${base}/paste/%73/AbCdEfGh`,
      `${base}/%70aste/s/AbCdEfGh`,
      `${base}/paste//s/AbCdEfGh`,
      `${base}/paste%2Fs/AbCdEfGh`,
      `${base}/paste/s`,
      `${base}/s/AbCdEfGh`,
      `http://localhost:${prefixed.port}/paste/s/AbCdEfGh`,
    ]);
    await assertAccepted(prefixed, [
      `${base}/paste/sx/AbCdEfGh`,
      `${base}/pastes/s/AbCdEfGh`,
      `${base}/paste/0123456789ab`,
    ]);
  });

  it("accepts look-alikes that do not loop: another port, another host, /sx/, /S/, a doubly encoded /%2573/, a paste", async () => {
    const p = server.port;
    const external = externalInterfaceAddress();
    await assertAccepted(server, [
      `http://127.0.0.1:${otherPort}/s/${id}`,
      `http://localhost:${otherPort}/s/${id}`,
      `http://[::1]:${otherPort}/s/${id}`,
      `https://127.0.0.1/s/${id}`,
      `http://example.com/s/${id}`,
      `http://localhost.example:${p}/s/${id}`,
      `http://notlocalhost:${p}/s/${id}`,
      `http://128.0.0.1:${p}/s/${id}`,
      `http://[::2]:${p}/s/${id}`,
      `http://127.0.0.1:${p}/sx/${id}`,
      `http://127.0.0.1:${p}/S/${id}`,
      `http://127.0.0.1:${p}/%2573/${id}`,
      `http://127.0.0.1:${p}/static/s/${id}`,
      `http://127.0.0.1:${p}/0123456789ab`,
      `http://127.0.0.1:${p}/0123456789ab/raw`,
      // This server listens on loopback only: its port on another interface is someone else.
      ...(external ? [`http://${external}:${p}/s/${id}`] : []),
    ]);
  });

  it("a server listening on every interface refuses its interface addresses too", async (t) => {
    const external = externalInterfaceAddress();
    if (!external) return t.skip("this machine has no interface besides loopback");
    const dir = mkdtempSync(join(tmpdir(), "sealbin-shortener-"));
    const wildcard = spawnServer(dir, {
      SEALBIN_POW_DIFFICULTY: "0",
      SEALBIN_RATE_LIMIT: "0",
      SEALBIN_HOST: "0.0.0.0",
      SEALBIN_DB: join(dir, "sealbin.db"),
    });
    try {
      const url = await wildcard.listening();
      const port = new URL(url).port;
      await assertRefusedAsLoop({ url }, [
        `http://${external}:${port}/s/AbCdEfGh`,
        `http://[::ffff:${external}]:${port}/%73/AbCdEfGh`,
        `http://127.0.0.1:${port}/s/AbCdEfGh`,
        `http://0.0.0.0:${port}/s/AbCdEfGh`,
      ]);
      await assertAccepted({ url }, [
        `http://${external}:${Number(port) === 65_535 ? 65_534 : Number(port) + 1}/s/AbCdEfGh`,
        `http://${external}:${port}/0123456789ab`,
      ]);
    } finally {
      await wildcard.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

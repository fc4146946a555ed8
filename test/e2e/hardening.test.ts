import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { solvePow } from "../../src/protocol/pow.ts";
import { type ServerProcess, spawnServer } from "../helpers/process.ts";
import {
  createdId,
  FINGERPRINT_A,
  jsonOf,
  rawRequest,
  startServer,
  statusOf,
  type TestServer,
} from "../helpers/server.ts";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const PKI = { pkiEnabled: true, pkiCaPassword: "ca-password", registrationEnabled: true };

/** A multipart request whose body ends, exactly at its Content-Length, inside a part. */
function cutMultipart(path: string, parts: string): string {
  return (
    `POST ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary=XX\r\n` +
    `Content-Length: ${Buffer.byteLength(parts)}\r\n\r\n${parts}`
  );
}

const CUT_MULTIPART_BODIES: [string, string][] = [
  [
    "a field other than file carrying a filename",
    '--XX\r\nContent-Disposition: form-data; name="other"; filename="a.txt"\r\n\r\nhello',
  ],
  [
    "the file part itself",
    '--XX\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello',
  ],
  [
    "a second part after a complete file",
    '--XX\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n--XX\r\nContent-Disposition: form-data; name="file2"; filename="b.txt"\r\n\r\nwor',
  ],
  ["a part's headers", '--XX\r\nContent-Disposition: form-data; name="fi'],
];

describe("the server process survives malformed bodies", () => {
  let cwd: string;
  let server: ServerProcess;
  let url: string;
  let port: number;
  let sentinel: string;
  before(async () => {
    cwd = mkdtempSync(join(tmpdir(), "sealbin-hardening-"));
    server = spawnServer(cwd, { SEALBIN_POW_DIFFICULTY: "0", SEALBIN_RATE_LIMIT: "0" });
    url = await server.listening();
    port = Number(new URL(url).port);
    sentinel = await createdId({ url }, "sentinel: must survive");
  });
  after(async () => {
    await server.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  for (const [what, parts] of CUT_MULTIPART_BODIES) {
    it(`answers a multipart paste cut off inside ${what} with 400, and keeps serving`, async () => {
      const answer = await rawRequest(port, cutMultipart("/", parts));
      assert.equal(statusOf(answer), 400, answer);
      assert.match(answer, /"error":"(Invalid multipart body: [^"]+|No content provided)"/);
      assert.equal(server.child.exitCode, null, "the process is still running");
      assert.equal(await (await fetch(`${url}/${sentinel}/raw`)).text(), "sentinel: must survive");
    });
  }
});

describe("SEALBIN_WORKERS: the primary never gives up", () => {
  // Twelve worker starts in a row: on a loaded machine that takes a while.
  it("restarts workers killed a dozen times in a minute, with a back-off, and keeps serving", {
    timeout: 300_000,
  }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), "sealbin-workers-die-"));
    // A fixed port, as in production: with every worker dead the primary lets go of the listening
    // socket, and workers asking for port 0 again would get another one.
    const port = await freePort();
    const server = spawnServer(cwd, {
      SEALBIN_POW_DIFFICULTY: "0",
      SEALBIN_WORKERS: "2",
      SEALBIN_PORT: String(port),
    });
    try {
      const url = await server.listening();
      const listeningPids = () =>
        server
          .output()
          .stdout.split("\n")
          .filter((l) => l.includes("Server listening at"))
          .map((l) => JSON.parse(l).pid as number);
      const killed = new Set<number>();
      // The old primary stopped for good after eleven deaths in a minute.
      for (let deaths = 0; deaths < 12; ) {
        const victim = listeningPids().find((pid) => !killed.has(pid));
        if (victim === undefined) {
          await new Promise((r) => setTimeout(r, 50));
          assert.equal(server.child.exitCode, null, "the primary is still running");
          continue;
        }
        killed.add(victim);
        process.kill(victim, "SIGKILL");
        deaths++;
      }
      await server.logged(/"restartInMs":(\d{3,})/, 120_000);
      // Both slots come back: the server answers again.
      await server.waitFor(
        () => listeningPids().filter((p) => !killed.has(p)).length >= 2,
        "two fresh workers listening",
        120_000,
      );
      assert.equal(listeningPids().filter((p) => !killed.has(p)).length, 2, "two fresh workers listen");
      const res = await fetch(`${url}/health`, { headers: { connection: "close" } });
      assert.equal(res.status, 200);
      assert.equal(server.child.exitCode, null, "the primary is still running");
      const delays = [...server.output().stdout.matchAll(/"restartInMs":(\d+)/g)].map((m) => Number(m[1]));
      assert.ok(Math.max(...delays) > Math.min(...delays), `restarts back off: ${delays.join(", ")}`);
      server.child.kill("SIGTERM");
      assert.equal(await server.exited, 0);
    } finally {
      await server.stop();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe("requests the seeds' clients send, and answers every client can parse", () => {
  let server: TestServer;
  let admin: Record<string, string>;
  before(async () => {
    server = await startServer({ ...PKI, registerPow: 0 });
    const registered = await fetch(`${server.url}/register`, {
      method: "POST",
      body: JSON.stringify({ common_name: "admin" }),
      headers: { "content-type": "application/json" },
    });
    admin = { "x-ssl-client-sha1": (await jsonOf(registered)).fingerprint_sha1 };
  });
  after(async () => server.close());

  it("refuses paging values that are not safe integers in range with 400, on every listing", async () => {
    for (const path of ["/pastes", "/s", "/audit"]) {
      for (const offset of ["9223372036854775808", "1e300", "1e23", "-1", "1.5", "abc", "1000000001"]) {
        const res = await fetch(`${server.url}${path}?offset=${offset}`, { headers: admin });
        assert.equal(res.status, 400, `${path}?offset=${offset}`);
        assert.match((await jsonOf(res)).error, /^Invalid (paging|request)/);
      }
      for (const limit of ["0", "501", "9223372036854775808"]) {
        const res = await fetch(`${server.url}${path}?limit=${limit}`, { headers: admin });
        assert.equal(res.status, 400, `${path}?limit=${limit}`);
      }
    }
  });

  it("lists from the largest documented offset", async () => {
    for (const path of ["/pastes", "/s", "/audit"]) {
      const res = await fetch(`${server.url}${path}?offset=1000000000&limit=500`, { headers: admin });
      assert.equal(res.status, 200, path);
      assert.equal((await jsonOf(res)).count, 0);
    }
  });

  it("refuses JSON that is not UTF-8 with 400 and stores nothing", async () => {
    const body = Buffer.concat([
      Buffer.from('{"content": "'),
      Buffer.from([0xff, 0xfe, 0xfd]),
      Buffer.from('"}'),
    ]);
    for (const path of ["/", "/s"]) {
      const res = await fetch(`${server.url}${path}`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
      });
      assert.equal(res.status, 400, path);
      assert.deepEqual(await jsonOf(res), {
        error: "Invalid JSON body",
        code: "invalid_json",
        hint: "JSON must be UTF-8",
      });
    }
    const url = Buffer.concat([
      Buffer.from('{"url": "https://example.com/'),
      Buffer.from([0xc3]),
      Buffer.from('"}'),
    ]);
    const short = await fetch(`${server.url}/s`, {
      method: "POST",
      body: url,
      headers: { "content-type": "application/json" },
    });
    assert.equal(short.status, 400);
  });

  it("refuses JSON strings that are not well-formed Unicode, and NUL in the image store's fields, with 400", async () => {
    const post = (path: string, body: string) =>
      fetch(`${server.url}${path}`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
      });
    const cases: [string, string, string][] = [
      ["/register", '{"common_name": "a\\ud800b"}', "Invalid JSON body"],
      ["/s", '{"url": "https://example.com/\\udc00"}', "Invalid JSON body"],
      ["/", '{"content": "lone \\ud83d surrogate"}', "Invalid JSON body"],
      // The image store's names go to the database as they are: no NUL (PostgreSQL text holds none).
      ["/api/v1/auth/login", '{"username": "fuzz\\u0000er", "password": "x"}', "Invalid request"],
      [
        "/api/v1/auth/register",
        '{"username": "nul\\u0000", "password": "long enough password"}',
        "Invalid request",
      ],
    ];
    for (const [path, body, error] of cases) {
      const res = await post(path, body);
      assert.equal(res.status, 400, `${path} ${body}`);
      // The image store answers in its original's shape, {"message": …}.
      const answer = await jsonOf(res);
      assert.equal(answer.error ?? answer.message, error, path);
    }
    // A paste's content is bytes: a NUL escape is content like any other, stored as sent.
    const res = await post("/", '{"content": "a\\u0000b"}');
    assert.equal(res.status, 201);
    const raw = await fetch(`${server.url}/${(await jsonOf(res)).id}/raw`);
    assert.deepEqual(Buffer.from(await raw.arrayBuffer()), Buffer.from([0x61, 0, 0x62]));
  });

  it("refuses form fields that are not UTF-8 or carry NUL with 400, urlencoded or multipart", async () => {
    for (const body of [
      "username=a%00b&password=x",
      "username=%FF&password=x",
      "username=%E0%A4&password=x",
    ]) {
      const res = await fetch(`${server.url}/api/v1/auth/login`, {
        method: "POST",
        body,
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      assert.equal(res.status, 400, body);
      assert.equal((await jsonOf(res)).message, "Invalid form body");
    }
    const form = new FormData();
    form.append("username", "nul\u0000name");
    form.append("password", "long enough password");
    const res = await fetch(`${server.url}/api/v1/auth/register`, { method: "POST", body: form });
    assert.equal(res.status, 400);
    assert.equal((await jsonOf(res)).message, "Invalid form body");
  });

  it("refuses path and query values that decode to NUL or a lone surrogate with 400", async () => {
    // The image store's names reach the database as they are (PostgreSQL text holds no NUL); the
    // paste and short-URL routes refuse such ids by their patterns.
    for (const path of [
      "/api/v1/users/000000000000000000000000/images/scratch%00",
      "/api/v1/users/000000000000000000000000/images/%ED%A0%80",
      "/api/v1/users/abc%00/images",
      "/api/v1/users/000000000000000000000000/images/x/permissions/000000000000000000000000%00",
    ]) {
      const res = await fetch(`${server.url}${path}`, { headers: admin });
      assert.equal(res.status, 400, path);
    }
  });

  it("answers a valid paste followed by garbage on one connection with 201 first, then 400, and stores it", async () => {
    const answer = await rawRequest(
      server.port,
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 15\r\n\r\npipelined paste\u0000\u0001 NOT HTTP\r\n\r\n",
    );
    const statuses = [...answer.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    assert.deepEqual(statuses, [201, 400]);
    const id = /"id":"([0-9a-f]+)"/.exec(answer)?.[1];
    assert.ok(id);
    assert.equal(await (await fetch(`${server.url}/${id}/raw`)).text(), "pipelined paste");
  });

  it("puts the security headers and a request id on the router's Invalid URL answer", async () => {
    const res = await fetch(`${server.url}/%zz`);
    assert.equal(res.status, 400);
    assert.deepEqual(await jsonOf(res), { error: "Invalid URL", code: "invalid_url" });
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("x-frame-options"), "DENY");
    assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'none'/);
    assert.match(res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    const traced = await fetch(`${server.url}/%zz`, { headers: { "x-request-id": "trace-me-42" } });
    assert.equal(traced.headers.get("x-request-id"), "trace-me-42");
  });

  it("serves a JavaScript paste's raw content as text/plain with nosniff, never as a script", async () => {
    for (const type of ["text/javascript", "application/ecmascript", "text/jscript", "text/livescript"]) {
      const id = await createdId(server, `alert(document.domain) // ${type}`, { "content-type": type });
      const res = await fetch(`${server.url}/${id}/raw`);
      assert.equal(res.headers.get("content-type"), "text/plain", type);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      assert.equal(res.headers.get("content-disposition"), "attachment");
      assert.equal(
        (await jsonOf(await fetch(`${server.url}/${id}`))).mime_type,
        type,
        "metadata keeps the type",
      );
    }
  });

  it("writes metrics every Prometheus scraper parses: no NaN spelt otherwise", async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const samples = text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
    assert.ok(samples.length > 20);
    for (const line of samples) {
      const value = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? (\S+)( \d+)?$/.exec(line)?.[2];
      assert.ok(value !== undefined, `sample line shape: ${line}`);
      assert.match(value, /^(NaN|[+-]Inf|[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$/, line);
    }
  });
});

describe("identity headers are believed only from SEALBIN_IDENTITY_PROXIES", () => {
  it("takes X-SSL-Client-SHA1 from a proxy on the same host by default", async () => {
    const server = await startServer(PKI);
    try {
      const res = await fetch(`${server.url}/pastes`, { headers: { "x-ssl-client-sha1": FINGERPRINT_A } });
      assert.equal(res.status, 200);
      assert.match(
        JSON.stringify(server.logs.filter((l) => Number(l.level) === 40)),
        /PKI enabled without SEALBIN_PROXY_SECRET or sealbin's own TLS/,
        "one clear warning at start-up",
      );
    } finally {
      await server.close();
    }
  });

  it("ignores the header from any other peer, treats the request as anonymous and audits it", async () => {
    const server = await startServer({ ...PKI, identityProxies: ["10.0.0.0/8"] });
    try {
      const headers = { "x-ssl-client-sha1": FINGERPRINT_A };
      const res = await fetch(`${server.url}/pastes`, { headers });
      assert.equal(res.status, 401);
      assert.deepEqual(await jsonOf(res), {
        error: "Authentication required",
        code: "authentication_required",
      });
      const id = await createdId(server, "created by a stranger", headers);
      assert.equal((await fetch(`${server.url}/${id}`, { method: "DELETE", headers })).status, 401);
      const audit = await server.store.pki.listAudit(50, 0);
      const failures = audit.items.filter((e) => e.event === "AUTH_FAILURE");
      assert.equal(failures.length, 1, "recorded, once a minute per reason");
      assert.equal(failures[0]?.detail.reason, "identity header from an untrusted peer");
    } finally {
      await server.close();
    }
  });

  it("still requires the proxy secret from a trusted proxy when one is set", async () => {
    const server = await startServer({ ...PKI, proxySecret: "proxy-secret-123" });
    try {
      const headers = { "x-ssl-client-sha1": FINGERPRINT_A };
      assert.equal((await fetch(`${server.url}/pastes`, { headers })).status, 401);
      const withSecret = { ...headers, "x-proxy-secret": "proxy-secret-123" };
      assert.equal((await fetch(`${server.url}/pastes`, { headers: withSecret })).status, 200);
      assert.doesNotMatch(JSON.stringify(server.logs), /PKI enabled without SEALBIN_PROXY_SECRET/);
    } finally {
      await server.close();
    }
  });
});

describe("registration proof-of-work stands on its own", () => {
  it("asks for REGISTER_POW work even with POW_DIFFICULTY=0, and refuses a registration without it", async () => {
    const server = await startServer({ ...PKI, powDifficulty: 0, registerPow: 12 });
    try {
      const challenge = await jsonOf(await fetch(`${server.url}/register/challenge`));
      assert.equal(challenge.enabled, true);
      assert.equal(challenge.difficulty, 12);
      const post = (headers: Record<string, string>) =>
        fetch(`${server.url}/register`, {
          method: "POST",
          body: JSON.stringify({ common_name: "first" }),
          headers: { "content-type": "application/json", ...headers },
        });
      const refused = await post({});
      assert.equal(refused.status, 400);
      assert.equal((await jsonOf(refused)).error, "Proof-of-work required");
      assert.equal((await jsonOf(await fetch(`${server.url}/pki`))).enabled, true);
      const solved = await post({
        "x-pow-token": challenge.token,
        "x-pow-solution": String(solvePow(challenge.nonce, challenge.difficulty)),
      });
      assert.equal(solved.status, 201);
      // Pastes still need no work.
      assert.equal((await fetch(`${server.url}/challenge`).then(jsonOf)).enabled, false);
    } finally {
      await server.close();
    }
  });
});

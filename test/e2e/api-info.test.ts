import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  createPaste,
  jsonOf,
  rawRequest,
  startServer,
  statusOf,
  type TestServer,
} from "../helpers/server.ts";

const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "x-xss-protection": "1; mode=block",
  "referrer-policy": "strict-origin-when-cross-origin",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "permissions-policy": "geolocation=(), microphone=(), camera=()",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "cache-control": "no-store, no-cache, must-revalidate, private",
  pragma: "no-cache",
};

/**
 * Every route of the router as [METHOD, /path], read from Fastify's own route table (printRoutes,
 * one line per node of the radix tree: a node's path is its ancestors' segments and its own).
 */
function routerRoutes(server: TestServer): [string, string][] {
  const routes: [string, string][] = [];
  const stack: string[] = [];
  for (const line of server.app.printRoutes({ commonPrefix: false }).split("\n")) {
    const node = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!node) continue;
    const depth = (node[1] ?? "").length / 4;
    stack.length = depth;
    stack.push(node[2] ?? "");
    for (const method of (node[3] ?? "").split(", ").filter(Boolean)) routes.push([method, stack.join("")]);
  }
  return routes;
}

function assertSecurityHeaders(
  headers: Headers,
  what: string,
  csp = SECURITY_HEADERS["content-security-policy"],
) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    assert.equal(headers.get(name), name === "content-security-policy" ? csp : value, `${what}: ${name}`);
  }
}

describe("API information, health and cross-cutting headers", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  it("GET / describes the endpoints, usage, limits and expiry options", async () => {
    const res = await fetch(`${server.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    const body = await jsonOf(res);
    assert.equal(body.name, "sealbin");
    assert.equal(typeof body.version, "string");
    // The reference's six, in its words.
    for (const [endpoint, description] of Object.entries({
      "GET /": "API information",
      "GET /health": "Health check",
      "POST /": "Create paste",
      "GET /<id>": "Retrieve paste metadata",
      "GET /<id>/raw": "Retrieve raw paste content",
      "DELETE /<id>": "Delete paste",
    }))
      assert.equal(body.endpoints[endpoint], description, endpoint);
    assert.equal(body.usage.raw, "curl --data-binary @file.txt http://host/");
    assert.equal(body.note, "Use --data-binary (not -d) to preserve newlines");
    assert.deepEqual(body.limits, {
      max_size_anon: 3_145_728,
      max_size_auth: 52_428_800,
      max_file: 1_074_790_400,
      min_size: 0,
      id_length: 12,
      password_max_length: 1024,
    });
    assert.equal(body.expiry.anonymous, 86_400);
    assert.equal(body.expiry.max, 7_776_000);
    assert.equal(body.pow.enabled, false);
    assert.equal(body.pow.difficulty, 0);
  });

  it("GET / lists every endpoint the router serves, and each one it lists is served", async () => {
    const { endpoints } = await jsonOf(await fetch(`${server.url}/`));
    const toRoute = (path: string) => path.replace(/<([A-Za-z]+)>/g, ":$1");
    for (const [endpoint, description] of Object.entries(endpoints as Record<string, string>)) {
      const [method = "", path = ""] = endpoint.split(" ");
      assert.ok(
        server.app.hasRoute({ method: method as "GET", url: toRoute(path) }),
        `${endpoint} is routed`,
      );
      assert.ok(description.length > 0, `${endpoint} is described`);
    }
    for (const endpoint of [
      "GET /docs",
      "GET /openapi.json",
      "GET /pki",
      "POST /pki/revoke/<serial>",
      "GET /register/challenge",
      "POST /register",
      "GET /audit",
      "POST /s",
      "GET /s/<id>",
      "POST /api/v1/auth/login",
      "POST /v1",
      "HEAD /<id>",
      "HEAD /<id>/raw",
    ])
      assert.ok(endpoint in endpoints, `${endpoint} is listed`);
    const routes = routerRoutes(server);
    assert.ok(routes.length > 100, "the router's table was read");
    for (const [method, path] of routes) {
      // Fastify answers HEAD for every GET; /docs/… are the Swagger UI's own page and assets.
      if (method === "HEAD" || path.startsWith("/docs/")) continue;
      if (`${method} ${path.replace(/:([A-Za-z]+)/g, "<$1>")}` in endpoints) continue;
      // The rest must be the 405 (and OPTIONS 204) answers of a path's other methods.
      const res = await server.app.inject({
        method: method as "GET",
        url: path.replace(/:[A-Za-z]+/g, "x"),
        // Fastify refuses a QUERY without a body (400) before routing it: a body every scope parses.
        ...(method === "QUERY" && { payload: "{}", headers: { "content-type": "application/json" } }),
      });
      assert.ok(
        (res.statusCode === 405 || (method === "OPTIONS" && res.statusCode === 204)) && res.headers.allow,
        `${method} ${path} is served (${res.statusCode}) but GET / does not list it`,
      );
    }
  });

  it("GET /health reports a healthy database", async () => {
    const res = await fetch(`${server.url}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await jsonOf(res), { status: "healthy", database: "ok" });
  });

  it("every kind of response carries the reference's security headers exactly", async () => {
    const { res: created, json } = await createPaste(server, "hello");
    assertSecurityHeaders(created.headers, "201");
    const id = json.id as string;
    const responses: [string, Response][] = [
      ["GET /", await fetch(`${server.url}/`)],
      ["GET /health", await fetch(`${server.url}/health`)],
      ["GET /{id}", await fetch(`${server.url}/${id}`)],
      ["HEAD /{id}", await fetch(`${server.url}/${id}`, { method: "HEAD" })],
      ["400", await fetch(`${server.url}/not-an-id`)],
      ["404", await fetch(`${server.url}/${"0".repeat(12)}`)],
      ["404 route", await fetch(`${server.url}/a/b/c`)],
      ["405", await fetch(`${server.url}/${id}`, { method: "PUT", body: "x" })],
      ["401", await fetch(`${server.url}/${id}`, { method: "DELETE" })],
    ];
    for (const [what, res] of responses) assertSecurityHeaders(res.headers, what);
  });

  it("raw content tightens the CSP with sandbox and keeps every other header", async () => {
    const { json } = await createPaste(server, "hello");
    const res = await fetch(`${server.url}/${json.id}/raw`);
    assertSecurityHeaders(res.headers, "raw", "default-src 'none'; frame-ancestors 'none'; sandbox");
  });

  it("requests the HTTP parser refuses still get a JSON 4xx with the security headers", async () => {
    const response = await rawRequest(server.port, "GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n");
    assert.equal(statusOf(response), 400);
    assert.match(response, /x-frame-options: DENY/i);
    assert.match(response, /\{"error":"Bad request","code":"bad_request"\}$/);
  });

  it("echoes a sane client X-Request-ID and replaces anything else with a UUID", async () => {
    const echoed = await fetch(`${server.url}/health`, { headers: { "x-request-id": "my-trace-123" } });
    assert.equal(echoed.headers.get("x-request-id"), "my-trace-123");
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const fresh = await fetch(`${server.url}/health`);
    assert.match(fresh.headers.get("x-request-id") ?? "", uuid);
    for (const insane of ["a b", "x".repeat(129), "<script>", "id\u00e9"]) {
      const res = await fetch(`${server.url}/health`, { headers: { "x-request-id": insane } });
      assert.match(res.headers.get("x-request-id") ?? "", uuid, insane);
    }
  });

  it("logs every request under its request id, with no URL, content or password", async () => {
    const secret = "correct horse battery staple";
    const { json } = await createPaste(server, "top secret body", {
      "x-request-id": "trace-log-1",
      "x-paste-password": secret,
    });
    await fetch(`${server.url}/${json.id}/raw`, { headers: { "x-request-id": "trace-log-2" } });
    const lines = server.logs.filter((l) => l.requestId === "trace-log-1" || l.requestId === "trace-log-2");
    assert.ok(lines.length >= 2);
    const all = JSON.stringify(server.logs);
    for (const leak of [secret, "top secret body", json.id as string]) assert.ok(!all.includes(leak), leak);
    const line = lines.find((l) => l.requestId === "trace-log-2");
    assert.equal(line?.route, "/:id/raw");
    assert.equal(line?.status, 401);
  });
});

describe("health with a failing database", () => {
  it("answers 503 unhealthy when the database cannot be reached", async () => {
    const server = await startServer();
    try {
      await server.store.close();
      const res = await fetch(`${server.url}/health`);
      assert.equal(res.status, 503);
      assert.deepEqual(await jsonOf(res), { status: "unhealthy", database: "error" });
    } finally {
      await server.close();
    }
  });
});

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { spawnServer } from "../helpers/process.ts";
import {
  createdId,
  FINGERPRINT_A,
  jsonOf,
  solvedPowHeaders,
  startServer,
  type TestServer,
} from "../helpers/server.ts";

/** Parses the Prometheus text exposition format strictly: every line is a comment or a sample. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
    const match =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/.exec(
        line,
      );
    assert.ok(match, `not a valid exposition line: ${line}`);
    samples.set(`${match[1]}${match[2] ?? ""}`, Number(match[3]));
  }
  return samples;
}

async function scrape(server: TestServer, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/metrics`, { headers });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

describe("metrics", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ powDifficulty: 4, rateLimit: true, rateMax: 1000 });
  });
  after(async () => {
    await server.close();
  });

  it("exposes valid Prometheus text whose counters move with the requests", async () => {
    const before = await scrape(server);
    const sample = (m: Map<string, number>, key: string) => m.get(key) ?? 0;
    assert.equal(before.get("sealbin_pow_difficulty"), 4);
    assert.ok(sample(before, "sealbin_store_size_bytes") > 0);
    assert.ok(before.has("process_cpu_user_seconds_total"));

    const id = await createdId(server, "counted", await solvedPowHeaders(server));
    const burn = await createdId(server, "burn me", {
      ...(await solvedPowHeaders(server)),
      "x-burn-after-read": "1",
    });
    await fetch(`${server.url}/${id}/raw`);
    await fetch(`${server.url}/${burn}/raw`);
    assert.equal((await fetch(`${server.url}/`, { method: "POST", body: "no work done" })).status, 400);
    const short = await jsonOf(
      await fetch(`${server.url}/s`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(await solvedPowHeaders(server)) },
        body: JSON.stringify({ url: "https://example.com/" }),
      }),
    );
    await fetch(`${server.url}/s/${short.id}`, { redirect: "manual" });
    await fetch(`${server.url}/pastes`, { headers: { authorization: "Bearer forged.token.here" } });

    const after = await scrape(server);
    const moved = (key: string) => sample(after, key) - sample(before, key);
    assert.equal(moved('sealbin_pastes_total{event="created"}'), 2);
    assert.equal(moved('sealbin_pastes_total{event="read"}'), 2);
    assert.equal(moved('sealbin_pastes_total{event="burned"}'), 1);
    assert.equal(moved('sealbin_short_urls_total{event="created"}'), 1);
    assert.equal(moved('sealbin_short_urls_total{event="followed"}'), 1);
    assert.equal(moved("sealbin_pow_failures_total"), 1);
    assert.equal(moved('sealbin_auth_failures_total{reason="token"}'), 1);
    assert.equal(
      moved('sealbin_http_request_duration_seconds_count{route="/:id/raw",method="GET",status="200"}'),
      2,
      "the histogram is labelled by route template, never by URL",
    );
  });

  it("counts rate-limit refusals", async () => {
    const limited = await startServer({ rateLimit: true, rateMax: 1 });
    try {
      await fetch(`${limited.url}/`, { method: "POST", body: "one" });
      assert.equal((await fetch(`${limited.url}/`, { method: "POST", body: "two" })).status, 429);
      assert.equal((await scrape(limited)).get('sealbin_rate_limited_total{limit="write"}'), 1);
    } finally {
      await limited.close();
    }
  });

  it("refuses readers outside SEALBIN_METRICS_ALLOW without the token, and through an untrusted proxy", async () => {
    const guarded = await startServer({
      metricsAllow: ["10.0.0.0/8"],
      metricsToken: "s3cret-metrics-token-0123",
    });
    try {
      const denied = await fetch(`${guarded.url}/metrics`);
      assert.equal(denied.status, 403);
      assert.deepEqual(await jsonOf(denied), {
        error: "Forbidden",
        code: "metrics_forbidden",
        hint: "see SEALBIN_METRICS_ALLOW and SEALBIN_METRICS_TOKEN",
      });
      assert.equal(
        (
          await fetch(`${guarded.url}/metrics`, {
            headers: { authorization: "Bearer wrong-token-0123456789" },
          })
        ).status,
        403,
      );
      await scrape(guarded, { authorization: "Bearer s3cret-metrics-token-0123" });
    } finally {
      await guarded.close();
    }
    assert.equal(
      (await fetch(`${server.url}/metrics`, { headers: { "x-forwarded-for": "203.0.113.9" } })).status,
      403,
      "loopback, but forwarded by a proxy sealbin does not trust",
    );
  });
});

describe("the API description", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  it("is an OpenAPI 3.1 document listing exactly the routes the server has", async () => {
    const doc = await jsonOf(await fetch(`${server.url}/openapi.json`));
    assert.equal(doc.openapi, "3.1.0");
    assert.equal(doc.info.title, "sealbin");
    const described: string[] = [];
    for (const [path, operations] of Object.entries(
      doc.paths as Record<string, Record<string, { responses?: unknown; summary?: string }>>,
    )) {
      for (const [method, operation] of Object.entries(operations)) {
        assert.ok(operation.responses, `${method} ${path} has responses`);
        assert.ok(operation.summary, `${method} ${path} has a summary`);
        described.push(`${method.toUpperCase()} ${path}`);
      }
    }
    // Every GET is served as HEAD too, and described so.
    const routes = server.app.documentedRoutes;
    const heads = routes.filter((r) => r.startsWith("GET ")).map((r) => r.replace("GET", "HEAD"));
    assert.deepEqual(described.sort(), [...new Set([...routes, ...heads])].sort());
    // And the router really serves each one.
    for (const route of server.app.documentedRoutes) {
      const [method = "", path = ""] = route.split(" ");
      const url = path.replace(/\{([A-Za-z]+)\}/g, ":$1");
      assert.ok(server.app.hasRoute({ method: method as "GET", url }), `${route} is routed`);
    }
    assert.ok(described.length >= 40);
  });

  it("has a /docs page whose assets sealbin serves itself, under a strict CSP", async () => {
    const page = await fetch(`${server.url}/docs/`);
    assert.equal(page.status, 200);
    const csp = page.headers.get("content-security-policy") ?? "";
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /https:/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
    assert.ok(assets.length > 0);
    for (const asset of assets) {
      assert.doesNotMatch(asset, /^(https?:)?\/\//, `${asset} is served by sealbin`);
      const res = await fetch(new URL(asset, `${server.url}/docs/`));
      assert.equal(res.status, 200, asset);
    }
  });
});

describe("logs", () => {
  it("carry the request id on every line written while serving that request", async () => {
    const server = await startServer({ proxySecret: "right-secret-value" });
    try {
      await fetch(`${server.url}/`, {
        headers: {
          "x-request-id": "trace-me-42",
          "x-ssl-client-sha1": FINGERPRINT_A,
          "x-proxy-secret": "wrong",
        },
      });
      const lines = server.logs.filter((l) => l.requestId === "trace-me-42");
      const messages = lines.map((l) => l.msg);
      assert.ok(messages.includes("audit event"), `audit line traced: ${JSON.stringify(messages)}`);
      assert.ok(messages.includes("request completed"));
    } finally {
      await server.close();
    }
  });
});

describe("graceful shutdown", () => {
  it("finishes an upload in flight when SIGTERM arrives, then exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sealbin-sigterm-"));
    const server = spawnServer(dir, { SEALBIN_DB: join(dir, "sealbin.db"), SEALBIN_POW_DIFFICULTY: "0" });
    try {
      const url = new URL(await server.listening());
      const body = Buffer.alloc(256 * 1024, 0x61);
      const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            method: "POST",
            path: "/",
            headers: { "content-length": body.length },
          },
          (res) => {
            let text = "";
            res.on("data", (d) => {
              text += d;
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on("error", reject);
        req.write(body.subarray(0, 1024));
        // The rest arrives after the signal.
        setTimeout(() => {
          server.child.kill("SIGTERM");
          setTimeout(() => req.end(body.subarray(1024)), 300);
        }, 200);
      });
      const answer = await response;
      assert.equal(answer.status, 201, answer.body);
      assert.equal(await server.exited, 0);
      assert.match(server.output().stdout, /shutting down: finishing in-flight requests/);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("start-up", () => {
  it("loads the PKI libraries and the API description and docs only when a request needs them, and never undici", () => {
    // A process of its own, whose every module load is recorded from its first line.
    const dir = mkdtempSync(join(tmpdir(), "sealbin-startup-"));
    const src = new URL("../../src/", import.meta.url).href;
    const script = `
      import { registerHooks } from "node:module";
      const loaded = new Set();
      registerHooks({ load(url, context, next) { loaded.add(url); return next(url, context); } });
      const { buildApp } = await import(${JSON.stringify(`${src}app.ts`)});
      const { loadConfig } = await import(${JSON.stringify(`${src}config/config.ts`)});
      const { openStore } = await import(${JSON.stringify(`${src}store/store.ts`)});
      const { systemClock } = await import(${JSON.stringify(`${src}shared/clock.ts`)});
      const config = loadConfig({}, { db: ${JSON.stringify(join(dir, "sealbin.db"))}, databaseUrl: "", port: 0,
        cleanupInterval: 0, powDifficulty: 0, pkiEnabled: true, pkiCaPassword: "a CA password for this test" });
      const store = openStore(config);
      const app = await buildApp({ config, store, clock: systemClock, logger: false });
      await app.ready();
      const packages = () => [...new Set([...loaded].flatMap((u) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(u)?.[1] ?? []))];
      const steps = { start: packages() };
      const undici = process.moduleLoadList.some((m) => m.includes("undici"));
      for (const [name, request] of [
        ["openapi", { method: "GET", url: "/openapi.json" }],
        ["docs", { method: "GET", url: "/docs/" }],
        ["ca", { method: "POST", url: "/pki/ca", payload: {} }],
      ]) {
        const res = await app.inject(request);
        if (res.statusCode >= 300) throw new Error(name + " answered " + res.statusCode + " " + res.body);
        steps[name] = packages().filter((p) => !steps.start.includes(p));
      }
      await app.close();
      await store.close();
      console.log(JSON.stringify({ steps, undici }));
    `;
    try {
      const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
      const { steps, undici } = JSON.parse(out.trim().split("\n").pop() ?? "{}") as {
        steps: Record<string, string[]>;
        undici: boolean;
      };
      const deferred = [
        "@peculiar/x509",
        "pkijs",
        "asn1js",
        "reflect-metadata",
        "tsyringe",
        "@fastify/swagger",
        "@fastify/swagger-ui",
        "@fastify/static",
        "yaml",
      ];
      assert.deepEqual(
        steps.start?.filter((p) => deferred.includes(p)),
        [],
        "none of them at start-up",
      );
      assert.equal(undici, false, "undici (fetch) is never loaded by the server");
      assert.ok(steps.openapi?.includes("@fastify/swagger"), "the description with /openapi.json");
      assert.ok(steps.docs?.includes("@fastify/static"), "Swagger UI with /docs");
      assert.ok(steps.ca?.includes("@peculiar/x509"), "the PKI libraries with the first certificate");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

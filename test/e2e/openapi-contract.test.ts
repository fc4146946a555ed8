import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { type Json, startServer, type TestServer } from "../helpers/server.ts";

/**
 * /openapi.json is the contract (docs/api.md): a valid OpenAPI 3.1 document, generated from the
 * routes' own schemas, listing every operation the router serves — HEAD included, none twice — each
 * with a summary, its security and a response for every status. scripts/contract.ts then checks every
 * response of the suite against it; this file also calls every HEAD operation it lists.
 */

const METHODS = ["get", "head", "post", "put", "patch", "delete"] as const;

/** A value for each path parameter: well-formed, naming nothing (the answer is then a 404 or 401). */
const SAMPLE: Record<string, string> = {
  id: "0123456789ab",
  serial: "0a1b2c",
  userId: "0123456789abcdef01234567",
  fileName: "nothing",
};

describe("the API description", () => {
  let server: TestServer;
  let doc: Json;
  before(async () => {
    server = await startServer();
    doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as Json;
  });
  after(async () => {
    await server.close();
  });

  const operations = () =>
    Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m] as Json })),
    );

  it("is valid OpenAPI 3.1, with the security schemes and a server", async () => {
    const result = await new Validator().validate(structuredClone(doc) as never);
    assert.equal(result.valid, true, JSON.stringify(result.errors)?.slice(0, 2000));
    assert.equal(doc.openapi, "3.1.0");
    assert.ok(doc.components.securitySchemes.bearer && doc.components.securitySchemes.clientCertificate);
    assert.ok(Array.isArray(doc.servers) && doc.servers.length > 0);
  });

  it("lists every operation the router serves, HEAD with every GET, and none twice", () => {
    const listed = operations().map((o) => `${o.method.toUpperCase()} ${o.path}`);
    assert.equal(new Set(listed).size, listed.length, "no duplicates");
    for (const route of server.app.documentedRoutes) {
      assert.ok(listed.includes(route), `${route} is listed`);
      if (route.startsWith("GET "))
        assert.ok(listed.includes(route.replace("GET", "HEAD")), `HEAD of ${route}`);
    }
    const served = new Set([
      ...server.app.documentedRoutes,
      ...server.app.documentedRoutes.filter((r) => r.startsWith("GET ")).map((r) => r.replace("GET", "HEAD")),
    ]);
    for (const route of listed) assert.ok(served.has(route), `${route} is served`);
    assert.ok(!listed.includes("POST /v1/"), "/v1/ is the same operation as /v1");
  });

  it("gives every operation a summary, a tag, its security and a response for each status it answers", () => {
    for (const { path, method, op } of operations()) {
      const name = `${method.toUpperCase()} ${path}`;
      assert.ok(typeof op.summary === "string" && op.summary.length > 0, `${name}: summary`);
      assert.ok(Array.isArray(op.tags) && op.tags.length === 1, `${name}: one tag`);
      const statuses = Object.keys(op.responses ?? {});
      assert.ok(
        statuses.some((s) => /^[23]/.test(s)),
        `${name}: a success response (${statuses.join(", ")})`,
      );
      assert.ok(!statuses.includes("default"), `${name}: statuses, not a default`);
      for (const status of statuses.filter((s) => /^[45]/.test(s))) {
        const schema = op.responses[status].content?.["application/json"]?.schema;
        if (path === "/v1" && status === "401") continue; // mini-share-point's empty 401
        assert.ok(schema, `${name} ${status}: an error body`);
        const props = schema.properties ?? {};
        assert.ok(
          props.code && (props.error || props.message),
          `${name} ${status}: error (or message) and code`,
        );
      }
    }
  });

  it("describes the bodies a client sends, so that /docs can create a paste", () => {
    const create = doc.paths["/"].post;
    const types = Object.keys(create.requestBody?.content ?? {});
    for (const type of ["application/octet-stream", "application/json", "multipart/form-data"]) {
      assert.ok(types.includes(type), `POST / accepts ${type}: ${types.join(", ")}`);
    }
    for (const { path, method, op } of operations()) {
      if (method === "post" || method === "put") {
        // Actions named by their path alone: the target and what to do with it.
        // tus creation: Upload-Length says what, the bytes come with PATCH.
        if (["/api/v1/auth/logout", "/pki/revoke/{serial}", "/uploads"].includes(path)) continue;
        if (/^\/admin\/(reports|pastes|s)\/\{id\}\/(dismiss|quarantine|release)$/.test(path)) continue;
        assert.ok(op.requestBody, `${method.toUpperCase()} ${path}: a request body`);
      }
    }
  });

  it("every HEAD it lists answers with no body and a status it lists", async () => {
    const heads = operations().filter((o) => o.method === "head");
    assert.ok(heads.length >= 15, `${heads.length} HEAD operations`);
    for (const { path, op } of heads) {
      const url = path.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => SAMPLE[name] ?? "x");
      const res = await fetch(`${server.url}${url}`, { method: "HEAD", redirect: "manual" });
      assert.equal((await res.arrayBuffer()).byteLength, 0, `HEAD ${url}: no body`);
      assert.ok(String(res.status) in op.responses, `HEAD ${url} answered ${res.status}, listed`);
      assert.ok(res.status < 500, `HEAD ${url}: ${res.status}`);
    }
  });
});

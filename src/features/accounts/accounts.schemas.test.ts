import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Fastify from "fastify";
import type { TSchema } from "typebox";
import type { AppError } from "../../shared/errors.ts";
import { accountErrors, scopeErrors } from "./accounts.errors.ts";
import * as accountSchemas from "./accounts.schemas.ts";
import { answers, merge } from "./accounts.schemas.ts";
import * as imageSchemas from "./images.schemas.ts";
import { ImageView, PermissionView } from "./images.schemas.ts";

interface RouteSchema {
  summary: string;
  response: Record<string, { required?: string[]; examples?: unknown[]; description?: string }>;
}
const routes = Object.entries({ ...accountSchemas, ...imageSchemas }).filter(([name]) =>
  name.endsWith("Schema"),
) as unknown as [string, RouteSchema][];

/** Every error the image store's own code can answer, one of each (parameters as examples). */
const everyError = [
  ...(["username", "password", "publicKey", "imageFile", "userId", "role"] as const).map(
    accountErrors.required,
  ),
  ...Object.entries(accountErrors)
    .filter(([name]) => name !== "required")
    .map(([, make]) => (make as (arg: number) => AppError)(7)),
  ...Object.entries(scopeErrors)
    .filter(([name]) => name !== "malformedBody")
    .map(([, make]) => (make as () => AppError)()),
  ...(["invalid_json", "invalid_content_length", "invalid_request", "bad_request"] as const).map((code) =>
    scopeErrors.malformedBody(code),
  ),
];

describe("the image store's errors", () => {
  it("each carry a stable snake_case code, and one code is one error with one status", () => {
    const byCode = new Map<string, { status: number; message: string }>();
    for (const error of everyError) {
      assert.match(error.code, /^[a-z]+(_[a-z]+)*$/, error.message);
      const known = byCode.get(error.code);
      if (known) {
        assert.equal(error.status, known.status, error.code);
        // The framework's JSON errors share the paste API's code: the same error in two wordings.
        if (error.code !== "invalid_json") assert.equal(error.message, known.message, error.code);
      }
      byCode.set(error.code, error);
    }
  });

  it("answer 401 User is not authorized with the code src/http/identity.ts gives it", () => {
    const { status, code, message } = accountErrors.notAuthorized();
    assert.deepEqual(
      { status, code, message },
      { status: 401, code: "not_authorized", message: "User is not authorized" },
    );
  });
});

describe("the /api/v1 route schemas", () => {
  it("describe every route with a summary, a description, the accounts tag and who may call", () => {
    assert.equal(routes.length, 16);
    for (const [name, schema] of routes) {
      const s = schema as RouteSchema & { description?: string; tags?: string[]; security?: unknown };
      assert.ok(s.summary && s.description, name);
      assert.deepEqual(s.tags, ["accounts"], name);
      assert.ok(Array.isArray(s.security), name);
    }
  });

  it("give each error status the image store's body, and list and show every code it can carry", () => {
    for (const [name, schema] of routes) {
      for (const status of ["400", "500", "503"]) assert.ok(schema.response[status], `${name} ${status}`);
      for (const [status, response] of Object.entries(schema.response)) {
        if (Number(status) < 400) continue;
        assert.deepEqual(response.required, ["message", "code"], `${name} ${status}`);
        assert.ok(response.examples && response.examples.length > 0, `${name} ${status}`);
        for (const example of response.examples as { code: string; message: string }[]) {
          assert.ok(response.description?.includes(`\`${example.code}\`: ${example.message}`), example.code);
        }
      }
    }
  });

  it("document the codes the usecases throw under the statuses they throw them with", () => {
    const documented = new Set<string>();
    for (const [, schema] of routes) {
      for (const [status, response] of Object.entries(schema.response)) {
        for (const e of (response.examples ?? []) as { code?: string }[]) {
          if (e.code) documented.add(`${status} ${e.code}`);
        }
      }
    }
    for (const error of everyError) {
      // A framework 4xx Fastify does not send here; the answer of a path no route serves.
      if (error.code === "bad_request" || error.code === "not_found") continue;
      assert.ok(
        documented.has(`${error.status} ${error.code}`),
        `${error.status} ${error.code} is not described`,
      );
    }
  });

  it("say Retry-After on 429 and 503, and the X-RateLimit headers on a rate-limited route's success", () => {
    const limited = answers({ 201: accountSchemas.created }, accountSchemas.RATE_LIMITED) as Record<
      string,
      { headers?: Record<string, unknown> }
    >;
    assert.ok(limited[201]?.headers?.["x-ratelimit-remaining"]);
    assert.ok(limited[429]?.headers?.["retry-after"]);
    assert.ok(limited[503]?.headers?.["retry-after"]);
    const unlimited = answers({ 201: accountSchemas.created }, {}) as Record<string, { headers?: unknown }>;
    assert.equal(unlimited[201]?.headers, undefined);
  });

  it("merge the causes of each status, each once", () => {
    const a = { code: "a", message: "A" };
    const b = { code: "b", message: "B" };
    assert.deepEqual(merge({ 400: [a] }, { 400: [a, b], 404: [b] }), { 400: [a, b], 404: [b] });
  });
});

describe("the views, serialised through their response schemas", () => {
  it("are what JSON.stringify writes, field for field and in the same order", async () => {
    const image = {
      img_name: "bicycle.png",
      img_content: "\u0089PNG\r\n\u001a\n\u0000\u00ff",
      quotient: 'a "q" é 😀',
    };
    const grant = { userId: "628387db1dc6fa1a0cd84c42", role: "write" as const };
    const user = { public_key: "27977 9431", user_id: "628385eb1dc6fa1a0cd84c38", user_name: "admin" };
    const login = { user_id: user.user_id, access_token: "eyJ0eXAiOiJ.x.y" };
    const cases: [TSchema, unknown][] = [
      [ImageView, image],
      [PermissionView, grant],
      [accountSchemas.UserView, user],
      [accountSchemas.LoginAnswer, login],
      [accountSchemas.LogoutAnswer, { message: "User logged out" }],
      [imageSchemas.ImageList, [{ img_name: "bicycle.png" }]],
    ];
    const app = Fastify();
    cases.forEach(([schema, value], n) => {
      app.get(`/${n}`, { schema: { response: { 200: schema } } }, async () => value);
    });
    try {
      for (const [n, [, value]] of cases.entries()) {
        const res = await app.inject({ url: `/${n}` });
        assert.equal(res.body, JSON.stringify(value));
      }
    } finally {
      await app.close();
    }
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PNG_1X1 } from "../fixtures/files.ts";
import {
  type Body,
  createPaste,
  FINGERPRINT_A,
  type Json,
  jsonOf,
  rawRequest,
  startServer,
  statusOf,
  type TestServer,
} from "../helpers/server.ts";

describe("creating pastes", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ maxAnon: 1000, maxAuth: 5000 });
  });
  after(async () => {
    await server.close();
  });

  it("stores a raw body and answers 201 with the reference's fields", async () => {
    const before = Math.floor(server.clock.now() / 1000);
    const { res, json } = await createPaste(server, "Hello, World!\n");
    assert.equal(res.status, 201);
    const id = json.id as string;
    assert.match(id, /^[0-9a-f]{12}$/);
    assert.deepEqual(json, {
      id,
      url: `/${id}`,
      raw: `/${id}/raw`,
      mime_type: "text/plain",
      created_at: before,
      expiry: "idle",
      idle_expires_at: before + 86_400,
    });
    assert.equal(res.headers.get("location"), `/${id}`);
    const raw = await fetch(`${server.url}/${id}/raw`);
    assert.equal(await raw.text(), "Hello, World!\n");
  });

  it("draws a fresh id for every paste", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add((await createPaste(server, `paste ${i}`)).json.id as string);
    assert.equal(ids.size, 20);
  });

  it('takes JSON {"content": ...}', async () => {
    const { res, json } = await createPaste(server, JSON.stringify({ content: "Hello from JSON!" }), {
      "content-type": "application/json",
    });
    assert.equal(res.status, 201);
    assert.equal(json.mime_type, "text/plain");
    assert.equal(await (await fetch(`${server.url}${json.raw}`)).text(), "Hello from JSON!");
  });

  it("takes multipart/form-data with a file field, as curl -F file=@x sends", async () => {
    const form = new FormData();
    form.append("note", "ignored");
    form.append("file", new Blob([PNG_1X1], { type: "application/octet-stream" }), "pixel.png");
    const { res, json } = await createPaste(server, form);
    assert.equal(res.status, 201);
    assert.equal(json.mime_type, "image/png");
    const raw = await fetch(`${server.url}${json.raw}`);
    assert.deepEqual(Buffer.from(await raw.arrayBuffer()), PNG_1X1);
  });

  it("uses a multipart part's declared type when the bytes say nothing", async () => {
    const form = new FormData();
    form.append("file", new Blob(["a,b\n1,2\n"], { type: "text/csv" }), "t.csv");
    const { json } = await createPaste(server, form);
    assert.equal(json.mime_type, "text/csv");
  });

  it("refuses multipart without a file field, and a malformed one, with a 400", async () => {
    const form = new FormData();
    form.append("content", "text");
    const { res, json } = await createPaste(server, form);
    assert.equal(res.status, 400);
    assert.equal(json.error, "No content provided");
    assert.equal(json.code, "no_content");
    const broken = await createPaste(server, "--x\r\nnonsense", { "content-type": "multipart/form-data" });
    assert.equal(broken.res.status, 400);
    assert.match(String(broken.json.error), /^Invalid multipart body/);
    assert.equal(broken.json.code, "invalid_multipart");
  });

  it("detects MIME types: magic bytes, then a non-generic Content-Type, then UTF-8, else binary", async () => {
    const cases: [Body, Record<string, string>, string][] = [
      [PNG_1X1, { "content-type": "text/plain" }, "image/png"],
      ["col1,col2", { "content-type": "text/csv" }, "text/csv"],
      ["plain words", { "content-type": "application/octet-stream" }, "text/plain"],
      ["curl -d default", { "content-type": "application/x-www-form-urlencoded" }, "text/plain"],
      [
        Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff]),
        { "content-type": "application/octet-stream" },
        "application/octet-stream",
      ],
    ];
    for (const [body, headers, mime] of cases) {
      const { json } = await createPaste(server, body, headers);
      assert.equal(json.mime_type, mime);
    }
  });

  it("sets owner for an authenticated caller", async () => {
    const { json } = await createPaste(server, "mine", { "x-ssl-client-sha1": FINGERPRINT_A });
    assert.equal(json.owner, FINGERPRINT_A);
  });

  it("says burn_after_read, expires_at and password_protected only when set", async () => {
    const { json } = await createPaste(server, "all of it", {
      "x-burn-after-read": "YES",
      "x-expiry": "3600",
      "x-paste-password": "pw",
    });
    const now = Math.floor(server.clock.now() / 1000);
    assert.equal(json.burn_after_read, true);
    assert.equal(json.expires_at, now + 3600);
    assert.equal(json.password_protected, true);
    const { json: plain } = await createPaste(server, "none", {
      "x-burn-after-read": "nope",
      "x-expiry": "12x",
    });
    for (const key of ["burn_after_read", "expires_at", "password_protected", "owner"])
      assert.ok(!(key in plain), key);
  });

  it("says when every paste expires: a fixed deadline as expires_at, an idle one as idle_expires_at", async () => {
    const now = Math.floor(server.clock.now() / 1000);
    const { json: fixed } = await createPaste(server, "fixed", { "x-expiry": "3600" });
    assert.equal(fixed.expiry, "fixed");
    assert.equal(fixed.expires_at, now + 3600);
    assert.ok(!("idle_expires_at" in fixed));
    const { json: idle } = await createPaste(server, "idle");
    assert.equal(idle.expiry, "idle");
    assert.equal(idle.idle_expires_at, now + 86_400, "EXPIRY_ANON from now");
    assert.ok(!("expires_at" in idle), "expires_at keeps the reference's meaning: a custom expiry only");
    const { json: holder } = await createPaste(server, "holder's", { "x-ssl-client-sha1": FINGERPRINT_A });
    assert.equal(holder.expiry, "idle");
    assert.equal(holder.idle_expires_at, now + 604_800, "EXPIRY_UNTRUSTED for a certificate holder");
  });

  it("caps a custom expiry at MAX_EXPIRY and ignores malformed ones", async () => {
    const now = Math.floor(server.clock.now() / 1000);
    assert.equal(
      (await createPaste(server, "a", { "x-expiry": "999999999" })).json.expires_at,
      now + 7_776_000,
    );
    for (const bad of ["-5", "0", "12x", "1e3", "1.5"]) {
      const { res, json } = await createPaste(server, "b", { "x-expiry": bad });
      assert.equal(res.status, 201, bad);
      assert.ok(!("expires_at" in json), bad);
    }
  });

  it("refuses an empty body with 400 No content provided", async () => {
    for (const [body, headers] of [
      ["", {}],
      [JSON.stringify({ content: "" }), { "content-type": "application/json" }],
      [JSON.stringify({}), { "content-type": "application/json" }],
    ] as const) {
      const { res, json } = await createPaste(server, body, headers);
      assert.equal(res.status, 400);
      assert.deepEqual(json, { error: "No content provided", code: "no_content" });
    }
  });

  it("refuses broken JSON with 400", async () => {
    for (const body of ['{"content":', "[1,2]", '{"content": 5}', "null", "\u00ff\u00fe"]) {
      const { res, json } = await createPaste(server, body, { "content-type": "application/json" });
      assert.equal(res.status, 400, body);
      assert.equal(json.error, "Invalid JSON body");
      assert.equal(json.code, "invalid_json", body);
    }
  });

  it("accepts exactly the anonymous limit and refuses one byte more with the documented 413", async () => {
    assert.equal((await createPaste(server, Buffer.alloc(1000, 0x61))).res.status, 201);
    const { res, json } = await createPaste(server, Buffer.alloc(1001, 0x61));
    assert.equal(res.status, 413);
    assert.deepEqual(json, {
      error: "Paste too large",
      code: "paste_too_large",
      size: 1001,
      max_size: 1000,
      authenticated: false,
    });
  });

  it("gives authenticated callers the larger limit", async () => {
    const headers = { "x-ssl-client-sha1": FINGERPRINT_A };
    assert.equal((await createPaste(server, Buffer.alloc(5000, 0x61), headers)).res.status, 201);
    const { res, json } = await createPaste(server, Buffer.alloc(5001, 0x61), headers);
    assert.equal(res.status, 413);
    assert.deepEqual(json, {
      error: "Paste too large",
      code: "paste_too_large",
      size: 5001,
      max_size: 5000,
      authenticated: true,
    });
  });

  it("applies the limit to the content of JSON and multipart bodies too", async () => {
    const json = await createPaste(server, JSON.stringify({ content: "a".repeat(1001) }), {
      "content-type": "application/json",
    });
    assert.equal(json.res.status, 413);
    const form = new FormData();
    form.append("file", new Blob([Buffer.alloc(1001, 0x61)]), "big.txt");
    assert.equal((await createPaste(server, form)).res.status, 413);
    const exact = new FormData();
    exact.append("file", new Blob([Buffer.alloc(1000, 0x61)]), "ok.txt");
    assert.equal((await createPaste(server, exact)).res.status, 201);
  });

  it("refuses a declared oversized Content-Length at once, before any body is sent", async () => {
    const response = await rawRequest(
      server.port,
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1073741824\r\n\r\n",
    );
    assert.equal(statusOf(response), 413);
    assert.match(response, /"size":1073741824,"max_size":1000/);
    assert.match(response, /connection: close/i);
  });

  it("drains a refused body a little over the limit, so a client still sending reads its 413 and can go on", async () => {
    const body = "a".repeat(64 * 1024);
    const twice = [
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
      "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ];
    const response = await rawRequest(server.port, twice);
    assert.equal(statusOf(response), 413);
    assert.match(response, /"code":"paste_too_large"/);
    assert.doesNotMatch(response.split("\r\n\r\n")[0] ?? "", /connection: close/i);
    // The same connection then answers the next request: the refused body was read, not left.
    assert.match(response, /HTTP\/1\.1 200 OK[\s\S]*"status":"healthy"/);
  });

  it("cuts off a chunked upload with no declared length as soon as it passes the limit", async () => {
    const chunk = `${(600).toString(16)}\r\n${"a".repeat(600)}\r\n`;
    const parts = ["POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"];
    // Far more than the limit is offered; the server must answer before taking it all.
    for (let i = 0; i < 200; i++) parts.push(chunk);
    const response = await rawRequest(server.port, parts);
    assert.equal(statusOf(response), 413);
    assert.match(response, /"error":"Paste too large"/);
  });

  it("enforces an optional minimum size", async () => {
    const small = await startServer({ minSize: 64 });
    try {
      const { res, json } = await createPaste(small, "a".repeat(63));
      assert.equal(res.status, 400);
      assert.deepEqual(json, { error: "Paste too small", code: "paste_too_small", size: 63, min_size: 64 });
      assert.equal((await createPaste(small, "a".repeat(64))).res.status, 201);
    } finally {
      await small.close();
    }
  });

  it("accepts a password of 1024 characters (Unicode too) and refuses 1025", async () => {
    const unicode = "é".repeat(1024);
    const ok = await createPaste(server, "x", {
      "x-paste-password": Buffer.from(unicode, "utf8").toString("latin1"),
    });
    assert.equal(ok.res.status, 201);
    const { res, json } = await createPaste(server, "x", { "x-paste-password": "a".repeat(1025) });
    assert.equal(res.status, 400);
    assert.deepEqual(json, { error: "Password too long (max 1024 chars)", code: "password_too_long" });
  });

  it("is described in /openapi.json with every body it takes and every status it answers", async () => {
    const doc = await jsonOf(await fetch(`${server.url}/openapi.json`));
    const create = (doc.paths as Record<string, Record<string, Json>>)["/"]?.post as Json;
    const body = create.requestBody as { content: Record<string, unknown> };
    assert.deepEqual(Object.keys(body.content).sort(), [
      "application/json",
      "application/octet-stream",
      "multipart/form-data",
      "text/plain",
    ]);
    for (const status of ["201", "400", "408", "413", "429"])
      assert.ok(status in (create.responses as Json), status);
    const headers = (create.parameters as { name: string; in: string }[]).map((p) => p.name);
    for (const name of ["x-pow-token", "x-pow-solution", "x-burn-after-read", "x-expiry", "x-paste-password"])
      assert.ok(headers.includes(name), name);
  });

  it("returns links under the configured URL prefix", async () => {
    const prefixed = await startServer({ urlPrefix: "/paste" });
    try {
      const { json } = await createPaste(prefixed, "behind a proxy");
      assert.equal(json.url, `/paste/${json.id}`);
      assert.equal(json.raw, `/paste/${json.id}/raw`);
    } finally {
      await prefixed.close();
    }
  });
});

/**
 * The image store's API (/api/v1) against bodies no well-behaved client sends — cut off, malformed,
 * oversized, abandoned — and the bodies other clients send (multipart forms), on the real server in
 * its own process, so that a crash shows as a process gone. Issue 17, items 1, 4 and 11.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, describe, it } from "node:test";
import { PNG_1X1 } from "../fixtures/files.ts";
import { type ServerProcess, spawnServer } from "../helpers/process.ts";
import { type Json, startServer, type TestServer } from "../helpers/server.ts";

const API = "/api/v1";
const INCOMPLETE = {
  message: "Incomplete multipart body: it ends before its closing boundary",
  code: "multipart_incomplete",
};
const BAD_HEADER = {
  message: "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'",
  code: "bad_authorization_header",
};

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `data` on one connection and resolves once `count` whole responses (Content-Length bodies)
 * have come back, or the server closes the connection: for requests no fetch() would send.
 */
function exchange(
  port: number,
  data: string | Buffer | (string | Buffer)[],
  { count = 1, end = false } = {},
): Promise<{ responses: RawResponse[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let buffer = Buffer.alloc(0);
    const responses: RawResponse[] = [];
    const done = (closed: boolean) => {
      socket.destroy();
      resolve({ responses, closed });
    };
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const head = buffer.indexOf("\r\n\r\n");
        if (head < 0) return;
        const [statusLine = "", ...lines] = buffer.subarray(0, head).toString("latin1").split("\r\n");
        const headers = Object.fromEntries(
          lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
        );
        const length = Number(headers["content-length"] ?? 0);
        if (buffer.length < head + 4 + length) return;
        responses.push({
          status: Number(statusLine.split(" ")[1]),
          headers,
          body: buffer.subarray(head + 4, head + 4 + length).toString("utf8"),
        });
        buffer = buffer.subarray(head + 4 + length);
        if (responses.length === count) {
          done(false);
          return;
        }
      }
    });
    socket.on("close", () => done(true));
    socket.on("error", reject);
    socket.on("connect", () => {
      for (const part of Array.isArray(data) ? data : [data]) socket.write(part);
      if (end) socket.end();
    });
  });
}

/**
 * A request's bytes with an exact Content-Length, or the one given (a body that stops short), or
 * none (null: a chunked body written by the caller).
 */
function request(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | Buffer = "",
  contentLength: number | null = Buffer.byteLength(body),
): Buffer {
  const lines = [`${method} ${API}${path} HTTP/1.1`, "Host: 127.0.0.1"];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (method !== "GET" && contentLength !== null) lines.push(`Content-Length: ${contentLength}`);
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), Buffer.from(body)]);
}

const multipart = (boundary = "XX") => ({ "Content-Type": `multipart/form-data; boundary=${boundary}` });

/** A multipart body as python-requests writes it for `files={name: (None, value)}`: fields, then the end. */
function fieldsBody(fields: Record<string, string>, boundary: string): string {
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return `${parts.join("")}--${boundary}--\r\n`;
}

function api(base: string) {
  const call = async (method: string, path: string, init: { token?: string; body?: BodyInit } = {}) => {
    const res = await fetch(`${base}${API}${path}`, {
      method,
      headers: init.token ? { authorization: `Bearer ${init.token}` } : {},
      ...(init.body ? { body: init.body } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      text,
      headers: res.headers,
      json: (text ? JSON.parse(text) : undefined) as Json,
    };
  };
  return {
    call,
    async account(username: string, password = "correct horse battery") {
      const form = new URLSearchParams({ username, password, publicKey: "27977 9431" });
      assert.equal((await call("POST", "/auth/register", { body: form })).status, 201);
      const login = await call("POST", "/auth/login", { body: new URLSearchParams({ username, password }) });
      assert.equal(login.status, 200, login.text);
      return { token: login.json.access_token as string, userId: login.json.user_id as string };
    },
    upload(who: { token: string; userId: string }, bytes: Buffer, filename: string, quotient = "98 98 77") {
      const form = new FormData();
      form.append("imageFile", new Blob([new Uint8Array(bytes)]), filename);
      form.append("quotient", quotient);
      return call("POST", `/users/${who.userId}/images`, { token: who.token, body: form });
    },
  };
}

describe("the image store keeps serving whatever body it is sent", () => {
  let dir: string;
  let server: ServerProcess;
  let port: number;
  let base: string;
  let client: ReturnType<typeof api>;
  let alice: { token: string; userId: string };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "sealbin-accounts-hardening-"));
    server = spawnServer(dir, {
      SEALBIN_DB: join(dir, "sealbin.db"),
      SEALBIN_RATE_LIMIT: "0",
      SEALBIN_MAX_AUTH: String(64 * 1024),
    });
    base = await server.listening();
    port = Number(new URL(base).port);
    client = api(base);
    alice = await client.account("alice");
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The process is alive and answers an authenticated request. */
  async function stillServing() {
    assert.equal(server.child.exitCode, null, `the server exited: ${server.output().stderr}`);
    const res = await client.call("GET", `/users/${alice.userId}/images`, { token: alice.token });
    assert.equal(res.status, 200, res.text);
    return res.json;
  }

  const bearer = () => ({ Authorization: `Bearer ${alice.token}` });

  it("a cut-off imageFile part is answered 400 and the server keeps serving", async () => {
    const body = '--XX\r\nContent-Disposition: form-data; name="imageFile"; filename="a.png"\r\n\r\nhello';
    const { responses } = await exchange(
      port,
      request("POST", `/users/${alice.userId}/images`, { ...bearer(), ...multipart() }, body),
    );
    assert.equal(responses[0]?.status, 400);
    assert.deepEqual(JSON.parse(responses[0]?.body ?? ""), INCOMPLETE);
    assert.deepEqual(await stillServing(), [], "nothing was stored");
  });

  it("a cut-off part other than imageFile that carries a filename is answered 400 and the server keeps serving", async () => {
    const body = [
      '--XX\r\nContent-Disposition: form-data; name="quotient"\r\n\r\n1 2\r\n',
      '--XX\r\nContent-Disposition: form-data; name="other"; filename="b.bin"\r\n\r\nhello',
    ].join("");
    const { responses } = await exchange(
      port,
      request("POST", `/users/${alice.userId}/images`, { ...bearer(), ...multipart() }, body),
    );
    assert.equal(responses[0]?.status, 400);
    assert.deepEqual(JSON.parse(responses[0]?.body ?? ""), INCOMPLETE);
    // After a whole imageFile part too: the image is not stored from a body that did not end.
    const afterImage = Buffer.concat([
      Buffer.from('--XX\r\nContent-Disposition: form-data; name="imageFile"; filename="c.png"\r\n\r\n'),
      PNG_1X1,
      Buffer.from('\r\n--XX\r\nContent-Disposition: form-data; name="quotient"\r\n\r\n1 2'),
    ]);
    const second = await exchange(
      port,
      request("POST", `/users/${alice.userId}/images`, { ...bearer(), ...multipart() }, afterImage),
    );
    assert.equal(second.responses[0]?.status, 400);
    assert.deepEqual(await stillServing(), [], "nothing was stored");
  });

  it("a malformed multipart body is answered 400 in the documented shape", async () => {
    const noBoundary = await exchange(
      port,
      request(
        "POST",
        `/users/${alice.userId}/images`,
        { ...bearer(), "Content-Type": "multipart/form-data" },
        "--XX\r\n",
      ),
    );
    assert.equal(noBoundary.responses[0]?.status, 400);
    assert.deepEqual(JSON.parse(noBoundary.responses[0]?.body ?? ""), {
      message: "Malformed multipart body: the Content-Type names no boundary",
      code: "multipart_no_boundary",
    });
    const nothing = await exchange(
      port,
      request("POST", `/users/${alice.userId}/images`, { ...bearer(), ...multipart() }, ""),
    );
    assert.equal(nothing.responses[0]?.status, 400);
    assert.deepEqual(JSON.parse(nothing.responses[0]?.body ?? ""), INCOMPLETE);
    await stillServing();
  });

  it("a replacement cut off is answered 400 and the stored image stays as it was", async () => {
    assert.equal((await client.upload(alice, PNG_1X1, "kept.png", "1 2 3")).status, 201);
    const body = Buffer.concat([
      Buffer.from('--XX\r\nContent-Disposition: form-data; name="imageFile"; filename="new.png"\r\n\r\n'),
      PNG_1X1.subarray(0, 20),
    ]);
    const { responses } = await exchange(
      port,
      request("PUT", `/users/${alice.userId}/images/kept`, { ...bearer(), ...multipart() }, body),
    );
    assert.equal(responses[0]?.status, 400);
    assert.deepEqual(JSON.parse(responses[0]?.body ?? ""), INCOMPLETE);
    const kept = await client.call("GET", `/users/${alice.userId}/images/kept`, { token: alice.token });
    assert.equal(kept.status, 200);
    assert.ok(Buffer.from(kept.json.img_content, "latin1").equals(PNG_1X1), "the bytes are the old ones");
    assert.equal(kept.json.quotient, "1 2 3");
    assert.equal(
      (await client.call("DELETE", `/users/${alice.userId}/images/kept`, { token: alice.token })).status,
      204,
    );
  });

  it("an upload the client abandons mid-body leaves the server serving", async () => {
    const head = request(
      "POST",
      `/users/${alice.userId}/images`,
      { ...bearer(), ...multipart() },
      '--XX\r\nContent-Disposition: form-data; name="imageFile"; filename="a.png"\r\n\r\n',
      100_000,
    );
    // The client sends a part of the body and stops sending (half-close): told its request is bad.
    const halfClosed = await exchange(port, [head, PNG_1X1], { end: true });
    assert.equal(halfClosed.responses[0]?.status, 400);
    // Or it goes away altogether (reset): nobody to answer, and the server goes on.
    await new Promise<void>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(Buffer.concat([head, PNG_1X1]), () => {
          socket.resetAndDestroy();
          resolve();
        });
      });
    });
    await stillServing();
  });

  it("an oversized upload is refused as it streams in, without reading the rest", async () => {
    const declared = await exchange(
      port,
      request("POST", `/users/${alice.userId}/images`, { ...bearer(), ...multipart() }, "", 10 * 1024 * 1024),
    );
    assert.equal(declared.responses[0]?.status, 413, "refused on its declared length");
    assert.deepEqual(JSON.parse(declared.responses[0]?.body ?? ""), {
      message: "Image too large (max 65536 bytes)",
      code: "image_too_large",
    });
    assert.equal(declared.responses[0]?.headers.connection, "close");
    const big = Buffer.concat([
      Buffer.from('--XX\r\nContent-Disposition: form-data; name="imageFile"; filename="big.png"\r\n\r\n'),
      PNG_1X1,
      Buffer.alloc(70 * 1024),
    ]);
    // Chunked, so that only the running count can stop it; the body never ends.
    const chunked = await exchange(port, [
      request(
        "POST",
        `/users/${alice.userId}/images`,
        { ...bearer(), ...multipart(), "Transfer-Encoding": "chunked" },
        "",
        null,
      ),
      Buffer.from(`${big.length.toString(16)}\r\n`),
      big,
      Buffer.from("\r\n"),
    ]);
    assert.equal(chunked.responses[0]?.status, 413);
    assert.equal(chunked.responses[0]?.headers.connection, "close");
    await stillServing();
  });

  it("an upload refused before its body is read (no token) is answered at once, and the connection goes on", async () => {
    const body = Buffer.concat([
      Buffer.from('--XX\r\nContent-Disposition: form-data; name="imageFile"; filename="a.png"\r\n\r\n'),
      PNG_1X1,
      Buffer.from("\r\n--XX--\r\n"),
    ]);
    // Keep-alive: the refused body is read past, and the next request on that connection answered.
    const { responses } = await exchange(
      port,
      [
        request("POST", `/users/${alice.userId}/images`, multipart(), body),
        request("GET", `/users/${alice.userId}/images`, bearer()),
      ],
      { count: 2 },
    );
    assert.equal(responses[0]?.status, 422);
    assert.deepEqual(JSON.parse(responses[0]?.body ?? ""), BAD_HEADER);
    assert.equal(responses[1]?.status, 200);
    // A body that stops short, no token: the answer does not wait for the rest.
    const short = await exchange(
      port,
      request("POST", `/users/${alice.userId}/images`, multipart(), body.subarray(0, 40), body.length),
    );
    assert.equal(short.responses[0]?.status, 422);
    assert.deepEqual(JSON.parse(short.responses[0]?.body ?? ""), BAD_HEADER);
    await stillServing();
  });

  it("register and login accept multipart/form-data fields as the seed's client sends them", async () => {
    // python-requests: `files={"username": (None, "bob"), ...}` — fields, no file names.
    const boundary = "3d6b6a416f9b5f1e9d6c2b1a0f8e7d6c";
    const registered = await exchange(
      port,
      request(
        "POST",
        "/auth/register",
        multipart(boundary),
        fieldsBody({ username: "bob", password: "correct horse battery", publicKey: "3 5" }, boundary),
      ),
    );
    assert.equal(registered.responses[0]?.status, 201, registered.responses[0]?.body);
    assert.equal(registered.responses[0]?.body, "");
    // fetch's FormData, as a browser or curl -F sends it.
    const form = new FormData();
    form.append("username", "bob");
    form.append("password", "correct horse battery");
    const login = await client.call("POST", "/auth/login", { body: form });
    assert.equal(login.status, 200, login.text);
    assert.match(login.json.access_token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const bob = { token: login.json.access_token as string, userId: login.json.user_id as string };
    const users = await client.call("GET", `/users/${bob.userId}`, { token: bob.token });
    assert.deepEqual(users.json, { public_key: "3 5", user_id: bob.userId, user_name: "bob" });
    // The usecases' rules apply as for a urlencoded form.
    const missing = new FormData();
    missing.append("username", "bob");
    assert.deepEqual((await client.call("POST", "/auth/login", { body: missing })).json, {
      message: "Password is required",
      code: "missing_password",
    });
  });

  it("the permission forms accept multipart/form-data fields too", async () => {
    const carol = await client.account("carol");
    assert.equal((await client.upload(alice, PNG_1X1, "shared.png")).status, 201);
    const perms = `/users/${alice.userId}/images/shared/permissions`;
    const grant = new FormData();
    grant.append("user_id", carol.userId);
    grant.append("role", "read");
    assert.equal((await client.call("POST", perms, { token: alice.token, body: grant })).status, 201);
    const change = new FormData();
    change.append("role", "write");
    assert.equal(
      (await client.call("PUT", `${perms}/${carol.userId}`, { token: alice.token, body: change })).status,
      204,
    );
    assert.deepEqual((await client.call("GET", perms, { token: alice.token })).json, [
      { userId: carol.userId, role: "write" },
    ]);
    assert.equal(
      (await client.call("DELETE", `/users/${alice.userId}/images/shared`, { token: alice.token })).status,
      204,
    );
  });

  it("a multipart form with a file, too many or too large fields, or cut off is refused and nothing is registered", async () => {
    const withFile = new FormData();
    withFile.append("username", "mallory");
    withFile.append("password", "correct horse battery");
    withFile.append("publicKey", new Blob(["3 5"]), "key.txt");
    const file = await client.call("POST", "/auth/register", { body: withFile });
    assert.equal(file.status, 400);
    assert.deepEqual(file.json, {
      message: "This form takes text fields only, not files",
      code: "form_file_refused",
    });

    const many = new FormData();
    for (let n = 0; n < 17; n++) many.append(`f${n}`, "x");
    const tooMany = await client.call("POST", "/auth/register", { body: many });
    assert.equal(tooMany.status, 400);
    assert.deepEqual(tooMany.json, { message: "Too many form fields", code: "too_many_fields" });

    const large = new FormData();
    large.append("username", "mallory");
    large.append("password", "correct horse battery");
    large.append("publicKey", "k".repeat(70 * 1024));
    const tooLarge = await client.call("POST", "/auth/register", { body: large });
    assert.equal(tooLarge.status, 413);
    assert.deepEqual(tooLarge.json, { message: "Request body too large", code: "body_too_large" });

    const boundary = "b0undary";
    const whole = fieldsBody(
      { username: "mallory", password: "correct horse battery", publicKey: "3 5" },
      boundary,
    );
    const cut = await exchange(
      port,
      request("POST", "/auth/register", multipart(boundary), whole.slice(0, whole.indexOf("publicKey") + 20)),
    );
    assert.equal(cut.responses[0]?.status, 400);
    assert.deepEqual(JSON.parse(cut.responses[0]?.body ?? ""), INCOMPLETE);
    const cutFile = await exchange(
      port,
      request(
        "POST",
        "/auth/login",
        multipart(boundary),
        `--${boundary}\r\nContent-Disposition: form-data; name="username"; filename="u.txt"\r\n\r\nmall`,
      ),
    );
    assert.equal(cutFile.responses[0]?.status, 400);

    const login = await client.call("POST", "/auth/login", {
      body: new URLSearchParams({ username: "mallory", password: "correct horse battery" }),
    });
    assert.equal(login.status, 422, "no account was made from a refused form");
    await stillServing();
  });

  it("download-all is the JSON document it always was, byte for byte, every image intact", async () => {
    const dora = await client.account("dora");
    const empty = await client.call("GET", `/users/${dora.userId}/images/download-all`, {
      token: dora.token,
    });
    assert.equal(empty.status, 200);
    assert.equal(empty.text, "[]");
    const every = Buffer.concat([PNG_1X1, Buffer.from(Array.from({ length: 256 }, (_, n) => n))]);
    const images = [
      // (No line break: a multipart form sends one as CRLF.)
      { name: "every-byte.png", bytes: every, quotient: 'quotes " and \\ and\ttabs, é, 😀' },
      { name: "plain.png", bytes: PNG_1X1, quotient: "" },
      { name: "third.png", bytes: Buffer.concat([PNG_1X1, Buffer.alloc(40 * 1024, 0x1f)]), quotient: "9 9" },
    ];
    for (const i of images)
      assert.equal((await client.upload(dora, i.bytes, i.name, i.quotient)).status, 201);
    const res = await client.call("GET", `/users/${dora.userId}/images/download-all`, { token: dora.token });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", "the security headers come too");
    assert.match(res.headers.get("x-request-id") ?? "", /^[\w-]{8,}$/);
    const expected = JSON.stringify(
      images.map((i) => ({
        img_name: i.name,
        img_content: i.bytes.toString("latin1"),
        quotient: i.quotient,
      })),
    );
    const differsAt = [...expected].findIndex((c, n) => res.text[n] !== c);
    assert.ok(
      res.text === expected,
      `what JSON.stringify of the whole collection gives (${res.text.length} vs ${expected.length} characters, first difference at ${differsAt})`,
    );
    const parsed = JSON.parse(res.text) as Json[];
    for (const [n, i] of images.entries()) {
      assert.ok(Buffer.from(parsed[n]?.img_content, "latin1").equals(i.bytes), i.name);
    }
    const head = await fetch(`${base}${API}/users/${dora.userId}/images/download-all`, {
      method: "HEAD",
      headers: { authorization: `Bearer ${dora.token}` },
    });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-type"), "application/json; charset=utf-8");
    assert.equal(await head.text(), "");
  });
});

describe("download-all stops reading when its client goes away", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ maxAuth: 8 * 1024 * 1024 });
  });
  after(async () => {
    await server.close();
  });

  it("a client that disconnects mid-download stops the reading of the images", async () => {
    const client = api(server.url);
    const erin = await client.account("erin");
    const size = 4 * 1024 * 1024;
    const count = 16;
    for (let n = 0; n < count; n++) {
      const content = Buffer.concat([PNG_1X1, Buffer.alloc(size - PNG_1X1.length, n)]);
      const stored = await server.store.accounts.insertImage({
        id: String(n).padStart(24, "0"),
        ownerId: erin.userId,
        name: `img${n}.png`,
        stem: `img${n}`,
        mimeType: "image/png",
        size,
        content,
        quotient: "",
        createdAt: 1,
      });
      assert.equal(stored, true);
    }
    // Count what the route pulls from the store, and see the reading end.
    const original = server.store.accounts.streamImages.bind(server.store.accounts);
    let pulled = 0;
    let ended: () => void = () => undefined;
    const readingEnded = new Promise<void>((resolve) => {
      ended = resolve;
    });
    server.store.accounts.streamImages = async function* (ownerId, pieceBytes) {
      try {
        for await (const part of original(ownerId, pieceBytes)) {
          if (part.kind === "content") pulled += part.bytes.length;
          yield part;
        }
      } finally {
        ended();
      }
    };
    const abort = new AbortController();
    const res = await fetch(`${server.url}${API}/users/${erin.userId}/images/download-all`, {
      headers: { authorization: `Bearer ${erin.token}` },
      signal: abort.signal,
    });
    assert.equal(res.status, 200);
    const reader = res.body?.getReader();
    const first = await reader?.read();
    assert.ok(first?.value && first.value.length > 0);
    abort.abort();
    await readingEnded;
    assert.ok(pulled < (count * size) / 2, `read ${pulled} of ${count * size} bytes after the client left`);
    // The server goes on serving, downloads included.
    server.store.accounts.streamImages = original;
    const again = await client.call("GET", `/users/${erin.userId}/images`, { token: erin.token });
    assert.equal(again.json.length, count);
  });
});

describe("download-all ends a download its client has stopped taking (SEALBIN_DOWNLOAD_STALL_TIMEOUT)", () => {
  const STALL_SECONDS = 1;
  const MIB = 1024 * 1024;
  let server: TestServer;
  before(async () => {
    server = await startServer({ maxAuth: 8 * MIB, downloadStallTimeout: STALL_SECONDS });
  });
  after(async () => {
    await server.close();
  });

  /** An account holding `count` images of `size` bytes, stored directly (no upload to wait for). */
  const account = async (username: string, count: number, size: number) => {
    const who = await api(server.url).account(username);
    for (let n = 0; n < count; n++) {
      const content = Buffer.concat([PNG_1X1, Buffer.alloc(size - PNG_1X1.length, 0x41 + n)]);
      const stored = await server.store.accounts.insertImage({
        id: `${username}-${String(n).padStart(4, "0")}`,
        ownerId: who.userId,
        name: `img${n}.png`,
        stem: `img${n}`,
        mimeType: "image/png",
        size,
        content,
        quotient: "",
        createdAt: 1,
      });
      assert.equal(stored, true);
    }
    return who;
  };
  /** When the route has read the first part from the store, and when (after how long) it stops. */
  const watchReading = () => {
    const original = server.store.accounts.streamImages.bind(server.store.accounts);
    const started = Date.now();
    let begun: () => void = () => undefined;
    const reading = new Promise<void>((resolve) => {
      begun = resolve;
    });
    const ended = new Promise<number>((resolve) => {
      server.store.accounts.streamImages = async function* (ownerId, pieceBytes) {
        try {
          for await (const part of original(ownerId, pieceBytes)) {
            begun();
            yield part;
          }
        } finally {
          server.store.accounts.streamImages = original;
          resolve(Date.now() - started);
        }
      };
    });
    return { reading, ended };
  };
  /** SQLite: whether a checkpoint can take the whole WAL back, which an open read snapshot prevents. */
  const checkpointBlocked = () => {
    const db = new DatabaseSync(server.config.db);
    try {
      return Number((db.prepare("PRAGMA wal_checkpoint(TRUNCATE)").get() as { busy: number }).busy) === 1;
    } finally {
      db.close();
    }
  };

  it("a client that takes nothing is cut off once the bound passes, and the reading ends, holding no snapshot meanwhile", async () => {
    const gina = await account("gina", 16, 4 * MIB);
    const reading = watchReading();
    // A raw client that reads nothing: its receive buffer fills, its window closes, the server waits.
    const socket = connect(server.port, "127.0.0.1");
    socket.pause();
    const received: Buffer[] = [];
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.on("error", () => undefined);
    socket.write(
      `GET ${API}/users/${gina.userId}/images/download-all HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Authorization: Bearer ${gina.token}\r\n\r\n`,
    );
    if (server.store.backend === "sqlite") {
      await reading.reading;
      // A write while the download stalls: each piece is a statement of its own, so no snapshot is
      // held that would keep the WAL from being taken back.
      await server.store.accounts.insertUser({
        id: "f".repeat(24),
        username: "witness",
        passwordHash: "h",
        publicKey: "k",
        createdAt: 1,
      });
      assert.equal(checkpointBlocked(), false, "a stalled download holds no snapshot");
    }
    const took = await reading.ended;
    assert.ok(took >= STALL_SECONDS * 1000 * 0.9, `the reading ended after ${took} ms, before the bound`);
    assert.ok(took < STALL_SECONDS * 1000 + 10_000, `the reading ended only after ${took} ms`);
    for (
      let n = 0;
      n < 40 && !server.logs.some((l) => /took none of download-all/.test(String(l.msg)));
      n++
    ) {
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(
      server.logs.some(
        (l) => l.msg === `the client took none of download-all's answer for ${STALL_SECONDS} s`,
      ),
      "the stall is logged",
    );
    // What the server had sent before it gave up is there to read, and then the connection ends,
    // the body cut short (no final chunk): not an answer the client could take for the whole.
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.resume();
    await closed;
    const raw = Buffer.concat(received);
    assert.match(raw.subarray(0, 15).toString("latin1"), /^HTTP\/1\.1 200 /);
    assert.ok(raw.length < 16 * 4 * MIB, `${raw.length} bytes arrived`);
    assert.notEqual(raw.subarray(-5).toString("latin1"), "0\r\n\r\n", "the body is cut short");
    // The server goes on serving, downloads included.
    const again = await api(server.url).call("GET", `/users/${gina.userId}/images`, { token: gina.token });
    assert.equal(again.json.length, 16);
  });

  it("a client that takes the answer slowly, but keeps taking it, gets all of it however long it lasts", async (t) => {
    const hugo = await account("hugo", 6, 4 * MIB);
    const reading = watchReading();
    const res = await fetch(`${server.url}${API}/users/${hugo.userId}/images/download-all`, {
      headers: { authorization: `Bearer ${hugo.token}` },
    });
    assert.equal(res.status, 200);
    const reader = res.body?.getReader();
    assert.ok(reader);
    // About 8 MiB/s: a megabyte, then a pause well within the bound.
    let length = 0;
    let sincePause = 0;
    const pieces: Buffer[] = [];
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      pieces.push(Buffer.from(read.value));
      length += read.value.length;
      sincePause += read.value.length;
      if (sincePause >= MIB) {
        sincePause = 0;
        await new Promise((r) => setTimeout(r, 125));
      }
    }
    const took = await reading.ended;
    t.diagnostic(`the server read for ${took} ms, the bound is ${STALL_SECONDS * 1000} ms`);
    assert.ok(took > STALL_SECONDS * 1000, `the server was done in ${took} ms, within the bound: no test`);
    const all = JSON.parse(Buffer.concat(pieces).toString("utf8")) as {
      img_name: string;
      img_content: string;
    }[];
    assert.equal(all.length, 6, `${length} bytes`);
    for (const [n, image] of all.entries()) {
      assert.equal(image.img_name, `img${n}.png`);
      assert.equal(image.img_content.length, 4 * MIB);
    }
  });
});

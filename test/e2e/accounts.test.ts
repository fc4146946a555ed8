/**
 * The image store's API (/api/v1) driven the way the original document's Python client drives it:
 * form-urlencoded `data=`, multipart `files={"imageFile": f}`, `Authorization: Bearer <token>`.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { StoreUnavailable } from "../../src/store/store.errors.ts";
import { PNG_1X1 } from "../fixtures/files.ts";
import { spawnPair } from "../helpers/process.ts";
import { type Json, jsonOf, startServer, type TestServer } from "../helpers/server.ts";

const GIF = Buffer.from("474946383961010001000000002c00000000010001000002003b", "hex");
const API = "/api/v1";

type Form = Record<string, string>;

function client(base: string) {
  let token = "";
  const auth = (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  const call = async (
    method: string,
    path: string,
    init: { form?: Form; json?: unknown; multipart?: FormData; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { ...auth(), ...(init.headers ?? {}) };
    let body: BodyInit | undefined;
    if (init.form) body = new URLSearchParams(init.form);
    else if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
    } else if (init.multipart) body = init.multipart;
    const res = await fetch(`${base}${API}${path}`, { method, headers, ...(body ? { body } : {}) });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      text,
      json: (text ? JSON.parse(text) : undefined) as Json,
    };
  };
  return {
    call,
    get token() {
      return token;
    },
    set token(value: string) {
      token = value;
    },
    userId: "",
    async register(username: string, password = "correct horse battery", publicKey = "27977 9431") {
      return call("POST", "/auth/register", { form: { username, password, publicKey } });
    },
    async login(username: string, password = "correct horse battery") {
      const res = await call("POST", "/auth/login", { form: { username, password } });
      if (res.status === 200) {
        token = res.json.access_token;
        this.userId = res.json.user_id;
      }
      return res;
    },
    upload(userId: string, bytes: Buffer, filename: string, quotient = "98 98 77") {
      const form = new FormData();
      form.append("imageFile", new Blob([new Uint8Array(bytes)]), filename);
      form.append("quotient", quotient);
      return call("POST", `/users/${userId}/images`, { multipart: form });
    },
  };
}

describe("accounts, tokens and shared images (/api/v1)", () => {
  let server: TestServer;
  let alice: ReturnType<typeof client>;
  let bob: ReturnType<typeof client>;
  before(async () => {
    server = await startServer({ maxAuth: 64 * 1024 });
    alice = client(server.url);
    bob = client(server.url);
  });
  after(async () => {
    await server.close();
  });

  it("registers with a form (201, empty), refuses a taken name (409) and missing or weak fields (422)", async () => {
    const created = await alice.register("alice");
    assert.equal(created.status, 201);
    assert.equal(created.text, "");
    assert.deepEqual((await bob.register("ALICE")).json, {
      message: "Username already exists",
      code: "username_taken",
    });
    assert.equal((await bob.register("ALICE")).status, 409);
    const json = await bob.call("POST", "/auth/register", {
      json: { username: "bob", password: "correct horse battery", publicKey: "3 5" },
    });
    assert.equal(json.status, 201, "JSON bodies work too");
    const cases: [Form, string, string][] = [
      [{ password: "correct horse battery", publicKey: "k" }, "Username is required", "missing_username"],
      [{ username: "carol", publicKey: "k" }, "Password is required", "missing_password"],
      [
        { username: "carol", password: "correct horse battery", publicKey: "" },
        "Public key is required",
        "missing_public_key",
      ],
      [
        { username: "carol", password: "short", publicKey: "k" },
        "Password must be 8 to 1024 characters",
        "invalid_password_length",
      ],
      [
        { username: "x", password: "correct horse battery", publicKey: "k" },
        "Username must be 3 to 64 letters, digits or . _ - @",
        "invalid_username",
      ],
      [
        { username: "carol", password: "correct horse battery", publicKey: "a\u0007b" },
        "Public key must be at most 8192 printable characters",
        "invalid_public_key",
      ],
    ];
    for (const [form, message, code] of cases) {
      const res = await bob.call("POST", "/auth/register", { form });
      assert.equal(res.status, 422, message);
      assert.deepEqual(res.json, { message, code });
    }
  });

  it("logs in with a form or JSON, and refuses bad credentials alike for known and unknown names", async () => {
    const res = await alice.login("alice");
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.json).sort(), ["access_token", "user_id"]);
    assert.match(res.json.user_id, /^[0-9a-f]{24}$/);
    const [, payload] = String(res.json.access_token).split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
    assert.equal(claims.sub, res.json.user_id);
    assert.match(claims.jti, /^[0-9a-f]{32}$/);
    assert.equal(claims.exp - claims.iat, 900);
    const viaJson = await bob.call("POST", "/auth/login", {
      json: { username: "bob", password: "correct horse battery" },
    });
    assert.equal(viaJson.status, 200);
    bob.token = viaJson.json.access_token;
    bob.userId = viaJson.json.user_id;
    for (const form of [
      { username: "alice", password: "wrong password!" },
      { username: "nobody", password: "wrong password!" },
    ]) {
      const bad = await alice.call("POST", "/auth/login", { form });
      assert.equal(bad.status, 422);
      assert.deepEqual(bad.json, { message: "Username or password is invalid", code: "invalid_credentials" });
    }
    assert.deepEqual((await alice.call("POST", "/auth/login", { form: { username: "alice" } })).json, {
      message: "Password is required",
      code: "missing_password",
    });
  });

  it("describes users: all of them, one of them, or 404", async () => {
    const all = await alice.call("GET", "/users");
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.json.map((u: Json) => u.user_name),
      ["alice", "bob"],
    );
    const one = await alice.call("GET", `/users/${bob.userId}`);
    assert.deepEqual(one.json, { public_key: "3 5", user_id: bob.userId, user_name: "bob" });
    const none = await alice.call("GET", "/users/0123456789abcdef01234567");
    assert.equal(none.status, 404);
    assert.deepEqual(none.json, { message: "User not found", code: "user_not_found" });
  });

  it("refuses missing, malformed and tampered tokens with the documented messages", async () => {
    const bad = {
      message: "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'",
      code: "bad_authorization_header",
    };
    const anon = client(server.url);
    assert.deepEqual((await anon.call("GET", "/users")).json, bad);
    assert.equal((await anon.call("GET", "/users")).status, 422);
    assert.deepEqual(
      (await anon.call("GET", "/users", { headers: { authorization: `Token ${alice.token}` } })).json,
      bad,
    );
    const [h, p, sig = ""] = alice.token.split(".");
    const flipped = `${h}.${p}.${sig.slice(0, -2)}${sig.at(-2) === "A" ? "B" : "A"}${sig.at(-1)}`;
    for (const token of [
      flipped,
      "abc.def.ghi",
      "notajwt",
      `${h}.${Buffer.from('{"sub":"x"}').toString("base64url")}.${sig}`,
    ]) {
      const res = await anon.call("GET", "/users", { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 422, token);
      assert.deepEqual(res.json, { message: "Signature verification failed", code: "token_invalid" });
    }
  });

  it("stores images by magic bytes, never overwrites, and serves them as the original did", async () => {
    const up = await alice.upload(alice.userId, PNG_1X1, "bicycle.png");
    assert.equal(up.status, 201, up.text);
    assert.equal(up.text, "");
    assert.equal((await alice.upload(alice.userId, PNG_1X1, "bicycle.png")).status, 201);
    assert.equal((await alice.upload(alice.userId, GIF, "../../etc/passwd.gif")).status, 201);
    assert.equal((await alice.upload(alice.userId, GIF, "wrong-extension.png")).status, 201);
    const list = await alice.call("GET", `/users/${alice.userId}/images`);
    assert.deepEqual(list.json, [
      { img_name: "bicycle.png" },
      { img_name: "bicycle-1.png" },
      { img_name: "passwd.gif" },
      { img_name: "wrong-extension.gif" },
    ]);

    const one = await alice.call("GET", `/users/${alice.userId}/images/bicycle`);
    assert.equal(one.status, 200);
    assert.deepEqual(Object.keys(one.json).sort(), ["img_content", "img_name", "quotient"]);
    assert.equal(one.json.img_name, "bicycle.png");
    assert.ok(Buffer.from(one.json.img_content, "latin1").equals(PNG_1X1), "ISO-8859-1 string of the bytes");
    assert.equal(one.json.quotient, "98 98 77");
    assert.equal((await alice.call("GET", `/users/${alice.userId}/images/bicycle.png`)).status, 200);

    const all = await alice.call("GET", `/users/${alice.userId}/images/download-all`);
    assert.equal(all.json.length, 4);
    assert.ok(Buffer.from(all.json[2].img_content, "latin1").equals(GIF));

    const text = await alice.upload(alice.userId, Buffer.from("just text, not an image"), "notes.png");
    assert.equal(text.status, 422);
    assert.match(text.json.message, /not an image/);
    const svg = await alice.upload(
      alice.userId,
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      "x.svg",
    );
    assert.equal(svg.status, 422, "SVG (active content) is not accepted");
    const big = await alice.upload(
      alice.userId,
      Buffer.concat([PNG_1X1, Buffer.alloc(70 * 1024)]),
      "big.png",
    );
    assert.equal(big.status, 413);
    const missing = await alice.call("POST", `/users/${alice.userId}/images`, { multipart: new FormData() });
    assert.deepEqual(missing.json, { message: "Image file is required", code: "missing_image" });
    const notFound = await alice.call("GET", `/users/${alice.userId}/images/nothing`);
    assert.equal(notFound.status, 404);
    assert.deepEqual(notFound.json, { message: "Image not found", code: "image_not_found" });
  });

  it("keeps users apart: without a grant, B cannot list, read, learn of or change A's images", async () => {
    const base = `/users/${alice.userId}/images`;
    const notAuthorized = { message: "User is not authorized", code: "not_authorized" };
    assert.deepEqual((await bob.call("GET", base)).json, notAuthorized);
    assert.equal((await bob.call("GET", base)).status, 401);
    assert.deepEqual((await bob.call("GET", `${base}/download-all`)).json, notAuthorized);
    assert.equal((await bob.upload(alice.userId, PNG_1X1, "intruder.png")).status, 401);
    for (const method of ["GET", "DELETE"]) {
      const res = await bob.call(method, `${base}/bicycle`);
      assert.equal(res.status, 404, method);
      assert.deepEqual(
        res.json,
        { message: "Image not found", code: "image_not_found" },
        "the same answer as for no image at all",
      );
    }
    assert.equal((await bob.call("GET", `${base}/bicycle/permissions`)).status, 401);
  });

  it("shares with read and write grants that take effect at once, and manages them", async () => {
    const perms = `/users/${alice.userId}/images/bicycle/permissions`;
    const granted = await alice.call("POST", perms, { form: { user_id: bob.userId, role: "read" } });
    assert.equal(granted.status, 201);
    assert.equal(granted.text, "");
    const dup = await alice.call("POST", perms, { form: { user_id: bob.userId, role: "write" } });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.json, {
      message: "Permission user id is already exists",
      code: "permission_exists",
    });
    assert.deepEqual((await alice.call("GET", perms)).json, [{ userId: bob.userId, role: "read" }]);
    assert.deepEqual((await alice.call("GET", `${perms}/${bob.userId}`)).json, {
      userId: bob.userId,
      role: "read",
    });
    assert.deepEqual(
      (await alice.call("POST", perms, { form: { user_id: "0123456789abcdef01234567", role: "read" } })).json,
      { message: "User not found", code: "user_not_found" },
    );
    assert.deepEqual(
      (await alice.call("POST", perms, { form: { user_id: bob.userId, role: "owner" } })).json,
      {
        message: "Role must be read or write",
        code: "invalid_role",
      },
    );
    assert.deepEqual((await alice.call("POST", perms, { form: { user_id: bob.userId } })).json, {
      message: "Role is required",
      code: "missing_role",
    });
    assert.deepEqual((await alice.call("POST", perms, { json: { role: "read" } })).json, {
      message: "User id is required",
      code: "missing_user_id",
    });
    const own = await alice.call("POST", perms, { form: { user_id: alice.userId, role: "read" } });
    assert.equal(own.status, 422);
    assert.deepEqual(own.json, {
      message: "An image cannot be shared with its owner",
      code: "share_with_owner",
    });

    // Read: B downloads A's image, but cannot change it, list A's images or manage the grants.
    const shared = await bob.call("GET", `/users/${alice.userId}/images/bicycle`);
    assert.equal(shared.status, 200);
    assert.ok(Buffer.from(shared.json.img_content, "latin1").equals(PNG_1X1));
    assert.equal((await bob.call("DELETE", `/users/${alice.userId}/images/bicycle`)).status, 401);
    assert.equal(
      (await bob.call("GET", `/users/${alice.userId}/images/bicycle-1`)).status,
      404,
      "only that image",
    );
    assert.equal((await bob.call("GET", perms)).status, 401);

    // Write: B replaces the image, then could delete it.
    assert.equal(
      (await alice.call("PUT", `${perms}/${bob.userId}`, { form: { role: "write" } })).status,
      204,
    );
    const form = new FormData();
    form.append("imageFile", new Blob([new Uint8Array(GIF)]), "replacement.gif");
    form.append("quotient", "1 2");
    const replaced = await bob.call("PUT", `/users/${alice.userId}/images/bicycle`, { multipart: form });
    assert.equal(replaced.status, 204, replaced.text);
    const after = await alice.call("GET", `/users/${alice.userId}/images/bicycle`);
    assert.ok(Buffer.from(after.json.img_content, "latin1").equals(GIF));
    assert.equal(after.json.img_name, "bicycle.png", "the name stays");

    // Revoked: at once.
    assert.equal((await alice.call("DELETE", `${perms}/${bob.userId}`)).status, 204);
    assert.equal((await bob.call("GET", `/users/${alice.userId}/images/bicycle`)).status, 404);
    const gone = await alice.call("GET", `${perms}/${bob.userId}`);
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.json, {
      message: "Permission for User id not found",
      code: "permission_not_found",
    });
    assert.equal((await alice.call("PUT", `${perms}/${bob.userId}`, { form: { role: "read" } })).status, 404);
    assert.equal((await alice.call("DELETE", `${perms}/${bob.userId}`)).status, 404);
  });

  it("answers HEAD on every GET route as the GET would, without the body", async () => {
    const base = `/users/${alice.userId}/images/bicycle`;
    const cases: [string, number][] = [
      ["/users", 200],
      [`/users/${bob.userId}`, 200],
      ["/users/0123456789abcdef01234567", 404],
      [`/users/${alice.userId}/images`, 200],
      [`/users/${alice.userId}/images/download-all`, 200],
      [base, 200],
      [`${base}/permissions`, 200],
      [`${base}/permissions/${bob.userId}`, 404],
    ];
    for (const [path, status] of cases) {
      const get = await alice.call("GET", path);
      const head = await alice.call("HEAD", path);
      assert.equal(get.status, status, path);
      assert.equal(head.status, status, path);
      assert.equal(head.text, "", path);
      assert.equal(head.headers.get("content-type"), get.headers.get("content-type"), path);
    }
    assert.equal((await bob.call("HEAD", `/users/${alice.userId}/images`)).status, 401);
  });

  it("deletes images (204, then 404), their grants with them", async () => {
    const path = `/users/${alice.userId}/images/bicycle-1`;
    await alice.call("POST", `${path}/permissions`, { form: { user_id: bob.userId, role: "write" } });
    const deleted = await bob.call("DELETE", path);
    assert.equal(deleted.status, 204, "a write grantee may delete");
    assert.equal(deleted.text, "");
    assert.equal((await alice.call("DELETE", path)).status, 404);
    assert.equal((await alice.call("GET", `${path}/permissions`)).status, 404);
  });

  it("lets the same token work on the paste API: owner, list, delete", async () => {
    const bearer = { authorization: `Bearer ${alice.token}` };
    const created = await fetch(`${server.url}/`, {
      method: "POST",
      headers: bearer,
      body: "from an account",
    });
    assert.equal(created.status, 201);
    const paste = await jsonOf(created);
    assert.equal(paste.owner, `acct:${alice.userId}`);
    const mine = await jsonOf(await fetch(`${server.url}/pastes`, { headers: bearer }));
    assert.deepEqual(
      mine.pastes.map((p: Json) => p.id),
      [paste.id],
    );
    const other = await fetch(`${server.url}/${paste.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${bob.token}` },
    });
    assert.equal(other.status, 403);
    assert.equal(
      (await fetch(`${server.url}/${paste.id}`, { method: "DELETE", headers: bearer })).status,
      200,
    );
    const forged = await fetch(`${server.url}/pastes`, { headers: { authorization: "Bearer not.a.token" } });
    assert.equal(forged.status, 422);
    assert.deepEqual(await jsonOf(forged), { error: "Signature verification failed", code: "token_invalid" });
  });

  it("logs out: the token is refused from then on; and tokens expire", async () => {
    const out = await bob.call("POST", "/auth/logout");
    assert.equal(out.status, 200);
    assert.deepEqual(out.json, { message: "User logged out" });
    const revoked = await bob.call("GET", "/users");
    assert.equal(revoked.status, 401);
    assert.deepEqual(revoked.json, { message: "Token has been revoked", code: "token_revoked" });
    server.clock.advanceSeconds(901);
    const expired = await alice.call("GET", "/users");
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.json, { message: "Token has expired", code: "token_expired" });
    assert.equal((await alice.login("alice")).status, 200);
    assert.equal((await alice.call("GET", "/users")).status, 200);
  });
});

describe("the image store's own answers, each with its code (/api/v1)", () => {
  let server: TestServer;
  let dora: ReturnType<typeof client>;
  before(async () => {
    server = await startServer({ rateLimit: true, rateMax: 4, rateNotFoundMax: 0 });
    dora = client(server.url);
    await dora.register("dora");
    await dora.login("dora");
  });
  after(async () => {
    await server.close();
  });

  it("refuses bodies it does not read, that do not parse or that do not fit the form, before any rule", async () => {
    const plain = await fetch(`${server.url}${API}/users/${dora.userId}/images/x/permissions`, {
      method: "POST",
      headers: { authorization: `Bearer ${dora.token}`, "content-type": "text/plain" },
      body: "user_id=x&role=read",
    });
    assert.equal(plain.status, 415);
    assert.deepEqual(await plain.json(), {
      message: "Unsupported content type: send a form (urlencoded or multipart) or JSON",
      code: "unsupported_media_type",
    });
    const perms = `/users/${dora.userId}/images/x/permissions`;
    const object = await dora.call("POST", perms, { json: { user_id: { $ne: "" }, role: "read" } });
    assert.equal(object.status, 400, "a field that is not text is not coerced into one");
    assert.deepEqual(object.json, { message: "Malformed request body", code: "invalid_request" });
    const notObject = await dora.call("POST", perms, { json: ["read"] });
    assert.deepEqual(notObject.json, { message: "Malformed request body", code: "invalid_request" });
    const broken = await fetch(`${server.url}${API}${perms}`, {
      method: "POST",
      headers: { authorization: `Bearer ${dora.token}`, "content-type": "application/json" },
      body: '{"role": ',
    });
    assert.equal(broken.status, 400);
    assert.deepEqual(await broken.json(), { message: "Malformed request body", code: "invalid_json" });
  });

  it("answers a path it does not serve 404, and the database out of reach 503 with Retry-After", async () => {
    const missing = await dora.call("GET", "/no/such/path");
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { message: "Not found", code: "not_found" });
    const listUsers = server.store.accounts.listUsers;
    try {
      server.store.accounts.listUsers = async () => {
        throw new StoreUnavailable(new Error("connect ECONNREFUSED"));
      };
      const res = await fetch(`${server.url}${API}/users`, {
        headers: { authorization: `Bearer ${dora.token}` },
      });
      assert.equal(res.status, 503);
      assert.equal(res.headers.get("retry-after"), "5");
      assert.deepEqual(await res.json(), { message: "Database unavailable", code: "database_unavailable" });
      server.store.accounts.listUsers = async () => {
        throw new Error("a bug, with details the client must not see");
      };
      const failed = await dora.call("GET", "/users");
      assert.equal(failed.status, 500);
      assert.deepEqual(failed.json, { message: "Internal server error", code: "internal_error" });
    } finally {
      server.store.accounts.listUsers = listUsers;
    }
    assert.equal((await dora.call("GET", "/users")).status, 200);
  });

  it("counts registrations, logins and uploads against the write limit, and says when to come back", async () => {
    let res = await dora.call("POST", "/auth/login", { form: { username: "dora" } });
    for (let n = 0; n < 10 && res.status !== 429; n++) {
      assert.equal(res.status, 422);
      assert.match(res.headers.get("x-ratelimit-remaining") ?? "", /^[0-9]+$/);
      res = await dora.call("POST", "/auth/login", { form: { username: "dora" } });
    }
    assert.equal(res.status, 429);
    assert.deepEqual(res.json, { message: "Rate limit exceeded", code: "rate_limited" });
    assert.match(res.headers.get("retry-after") ?? "", /^[0-9]+$/);
    assert.equal((await dora.call("GET", "/users")).status, 200, "reads are not counted");
  });
});

describe("accounts across processes", () => {
  it("agree on the signing key and on revocations", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sealbin-accounts-pair-"));
    const pair = await spawnPair(dir, { SEALBIN_DB: join(dir, "sealbin.db"), SEALBIN_RATE_LIMIT: "0" });
    try {
      const [a, b] = pair.urls.map(client) as [ReturnType<typeof client>, ReturnType<typeof client>];
      assert.equal((await a.register("dora")).status, 201);
      assert.equal((await b.login("dora")).status, 200, "registered on one, logged in on the other");
      a.token = b.token;
      assert.equal(
        (await a.call("GET", "/users")).status,
        200,
        "a token signed by one verifies on the other",
      );
      assert.equal((await b.call("POST", "/auth/logout")).status, 200);
      assert.deepEqual((await a.call("GET", "/users")).json, {
        message: "Token has been revoked",
        code: "token_revoked",
      });
    } finally {
      await pair.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("images larger than the store's 1 MiB chunks (/api/v1)", () => {
  const MIB = 1024 * 1024;
  let server: TestServer;
  let carol: ReturnType<typeof client>;
  before(async () => {
    server = await startServer({ maxAuth: 4 * MIB });
    carol = client(server.url);
    await carol.register("carol");
    await carol.login("carol");
  });
  after(async () => {
    await server.close();
  });

  /** An image of `size` bytes and a quotient whose UTF-8 passes 1 MiB with a character across that mark. */
  const large = (size: number, seed: number) => ({
    bytes: Buffer.concat([
      PNG_1X1,
      Buffer.from(Array.from({ length: size - PNG_1X1.length }, (_, i) => (i * seed) % 256)),
    ]),
    quotient: `${"é".repeat(MIB / 2 - 1)}x😀 ${seed}`,
  });
  const view = (name: string, image: { bytes: Buffer; quotient: string }) =>
    JSON.stringify({ img_name: name, img_content: image.bytes.toString("latin1"), quotient: image.quotient });

  it("serves an image over several chunks byte for byte, alone and in download-all, replaced and deleted", async () => {
    const first = large(2 * MIB + 777, 7);
    assert.equal((await carol.upload(carol.userId, first.bytes, "mural.png", first.quotient)).status, 201);
    const path = `/users/${carol.userId}/images/mural`;
    const one = await carol.call("GET", path);
    assert.equal(one.status, 200);
    assert.equal(one.text, view("mural.png", first), "the JSON, byte for byte");
    const all = await carol.call("GET", `/users/${carol.userId}/images/download-all`);
    assert.equal(all.text, `[${view("mural.png", first)}]`);

    const smaller = large(MIB + 3, 11);
    const form = new FormData();
    form.append("imageFile", new Blob([new Uint8Array(smaller.bytes)]), "mural.png");
    form.append("quotient", smaller.quotient);
    assert.equal((await carol.call("PUT", path, { multipart: form })).status, 204);
    assert.equal(
      (await carol.call("GET", path)).text,
      view("mural.png", smaller),
      "nothing of the old bytes",
    );
    assert.equal(
      (await carol.call("GET", `/users/${carol.userId}/images/download-all`)).text,
      `[${view("mural.png", smaller)}]`,
    );

    assert.equal((await carol.call("DELETE", path)).status, 204);
    assert.equal((await carol.call("GET", path)).status, 404);
    assert.equal((await carol.call("GET", `/users/${carol.userId}/images/download-all`)).text, "[]");
  });
});

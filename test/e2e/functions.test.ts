import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { crc32 } from "node:zlib";
import nacl from "tweetnacl";
import { FunctionClients, serverKeyPair } from "../../src/features/functions/functions.clients.ts";
import { cliHome, runCli } from "../helpers/cli.ts";
import { backendEnv } from "../helpers/database.ts";
import { type ServerProcess, spawnServer } from "../helpers/process.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const SERVER_BIN = fileURLToPath(new URL("../../bin/sealbin-server.js", import.meta.url));
const REPO_MODULES = fileURLToPath(new URL("../../modules/modules.ini", import.meta.url));

const b64url = (bytes: Uint8Array) =>
  Buffer.from(bytes).toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
const minimal = (n: number) => {
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return Uint8Array.from(out);
};

interface Client {
  keys: nacl.BoxKeyPair;
  secret: string;
}

/** A call exactly as the original client.py builds it, with knobs for the hostile variants. */
function sealedBody(
  serverPublic: Uint8Array,
  client: Client,
  entry: string,
  ts: number,
  tweak: { crc?: number; secret?: string; keys?: nacl.BoxKeyPair } = {},
) {
  const keys = tweak.keys ?? client.keys;
  const seal = (bytes: Uint8Array) => {
    const nonce = nacl.randomBytes(24);
    return b64url(Buffer.concat([nonce, nacl.box(bytes, nonce, serverPublic, keys.secretKey)]));
  };
  const secret = Buffer.from(tweak.secret ?? client.secret, "utf8");
  return {
    id: seal(secret),
    check: seal(minimal(tweak.crc ?? crc32(secret))),
    ts: seal(minimal(ts)),
    entry: seal(Buffer.from(entry, "utf8")),
  };
}

function openReply(value: string, serverPublic: Uint8Array, client: Client): string {
  const bytes = Buffer.from(value, "base64url");
  const opened = nacl.box.open(
    bytes.subarray(24),
    bytes.subarray(0, 24),
    serverPublic,
    client.keys.secretKey,
  );
  assert.ok(opened, "the reply opens with the client's key");
  return Buffer.from(opened).toString("utf8");
}

async function post(server: TestServer, body: unknown, contentType = "application/json", path = "/v1") {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("the sealed function API (/v1)", () => {
  let server: TestServer;
  let clients: FunctionClients;
  let serverPublic: Uint8Array;
  let client: Client;
  const modulesDir = mkdtempSync(join(tmpdir(), "sealbin-modules-"));

  before(async () => {
    writeFileSync(
      join(modulesDir, "modules.ini"),
      "[Modules]\ntime_test=simple_time\nthrows=throws\nhangs=hangs\nnever=never\nnumber=number\nasync_echo=async_echo\nmissing=not_there\n",
    );
    writeFileSync(
      join(modulesDir, "simple_time.js"),
      readFileSync(join(REPO_MODULES, "..", "simple_time.js")),
    );
    writeFileSync(
      join(modulesDir, "throws.js"),
      'export function entry_call() { throw new Error("boom"); }\n',
    );
    writeFileSync(join(modulesDir, "hangs.js"), "export function entry_call() { for (;;) {} }\n");
    writeFileSync(join(modulesDir, "never.mjs"), "export const entryCall = () => new Promise(() => {});\n");
    writeFileSync(join(modulesDir, "number.js"), "export function entry_call() { return 42; }\n");
    writeFileSync(
      join(modulesDir, "async_echo.ts"),
      'export async function entryCall(): Promise<string> { return "typed and async"; }\n',
    );
    server = await startServer({
      functionsModules: join(modulesDir, "modules.ini"),
      functionsTimeout: 1,
      rateLimit: false,
    });
    clients = new FunctionClients(server, await serverKeyPair(server.store, server.clock));
    serverPublic = Buffer.from(clients.serverPublicKey, "base64");
    const keys = nacl.box.keyPair();
    client = { keys, secret: await clients.append(Buffer.from(keys.publicKey).toString("base64")) };
  });
  after(async () => {
    await server.close();
    rmSync(modulesDir, { recursive: true, force: true });
  });

  const now = () => Math.floor(server.clock.now() / 1000);

  async function expect401(body: unknown, why: string, contentType?: string) {
    const res = await post(server, body, contentType);
    assert.equal(res.status, 401, why);
    assert.equal(await res.text(), "", `${why}: empty body`);
  }

  it("answers a registered client's call with its function's value, sealed for it, on /v1 and /v1/", async () => {
    for (const path of ["/v1", "/v1/"]) {
      const res = await post(server, sealedBody(serverPublic, client, "time_test", now()), undefined, path);
      assert.equal(res.status, 200, path);
      const json = (await res.json()) as { value: string };
      assert.deepEqual(Object.keys(json), ["value"]);
      assert.match(json.value, /^[A-Za-z0-9_-]+=*$/);
      assert.equal(json.value.length % 4, 0, "padded, as Python's urlsafe_b64decode needs");
      assert.match(
        openReply(json.value, serverPublic, client),
        /^It is currently: \n\t(Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}$/,
      );
    }
    const typed = await post(server, sealedBody(serverPublic, client, "async_echo", now()));
    assert.equal(
      openReply(((await typed.json()) as { value: string }).value, serverPublic, client),
      "typed and async",
    );
  });

  it("refuses with an empty 401 whatever is wrong, and never says what", async () => {
    await expect401("{not json", "malformed JSON");
    await expect401(
      sealedBody(serverPublic, client, "time_test", now()),
      "not JSON content type",
      "text/plain",
    );
    await expect401([], "an array");
    const full = sealedBody(serverPublic, client, "time_test", now());
    for (const field of ["id", "check", "ts", "entry"] as const) {
      const { [field]: _gone, ...rest } = full;
      await expect401(rest, `missing ${field}`);
      await expect401({ ...full, [field]: 42 }, `${field} not a string`);
      await expect401({ ...full, [field]: "!!!not base64!!!" }, `${field} not base64`);
      await expect401({ ...full, [field]: b64url(nacl.randomBytes(60)) }, `${field} not sealed for us`);
    }
    const stranger = { keys: nacl.box.keyPair(), secret: client.secret };
    await expect401(sealedBody(serverPublic, stranger, "time_test", now()), "an unregistered key");
    await expect401(sealedBody(serverPublic, client, "time_test", now(), { crc: 12345 }), "a CRC mismatch");
    await expect401(
      sealedBody(serverPublic, client, "time_test", now(), { secret: "ab".repeat(64) }),
      "a wrong secret",
    );
    await expect401(sealedBody(serverPublic, client, "no_such_function", now()), "an unknown function");
    await expect401(sealedBody(serverPublic, client, "missing", now()), "a module whose file is missing");
    await expect401({ ...full, id: "A".repeat(100_000) }, "an oversized field");
    const huge = await post(server, JSON.stringify({ pad: "x".repeat(200_000) }));
    assert.equal(huge.status, 401, "an oversized body");
    assert.equal(await huge.text(), "");
  });

  it("accepts a timestamp just inside the TTL and refuses one just outside, either way", async () => {
    const ttl = server.config.functionsRequestTtl;
    for (const ts of [now() - ttl, now() + ttl]) {
      assert.equal((await post(server, sealedBody(serverPublic, client, "time_test", ts))).status, 200);
    }
    await expect401(sealedBody(serverPublic, client, "time_test", now() - ttl - 1), "one second too old");
    await expect401(
      sealedBody(serverPublic, client, "time_test", now() + ttl + 1),
      "one second in the future",
    );
  });

  it("refuses a replay of the same request, and of its timestamp box under other fields", async () => {
    const body = sealedBody(serverPublic, client, "time_test", now());
    assert.equal((await post(server, body)).status, 200);
    await expect401(body, "the same ciphertext again");
    const other = sealedBody(serverPublic, client, "async_echo", now());
    await expect401({ ...other, ts: body.ts }, "a captured timestamp box under fresh fields");
  });

  it("survives a module that throws, returns no string, loops forever or never settles", async () => {
    for (const entry of ["throws", "number", "hangs", "never"]) {
      await expect401(sealedBody(serverPublic, client, entry, now()), entry);
      const ok = await post(server, sealedBody(serverPublic, client, "time_test", now()));
      assert.equal(ok.status, 200, `still serving after ${entry}`);
    }
    const lines = server.logs.filter((l) => l.msg === "function module failed").map((l) => l.function);
    assert.deepEqual(lines, ["throws", "number", "hangs", "never"]);
    assert.ok(server.logs.some((l) => l.msg === "function module timed out: restarting its worker"));
  });

  it("takes client changes at once: a new client works, a removed one and purged ones are refused", async () => {
    const keys = nacl.box.keyPair();
    const fresh = { keys, secret: await clients.append(Buffer.from(keys.publicKey).toString("base64")) };
    assert.equal((await post(server, sealedBody(serverPublic, fresh, "time_test", now()))).status, 200);
    assert.equal(await clients.remove(Buffer.from(keys.publicKey).toString("base64")), true);
    await expect401(sealedBody(serverPublic, fresh, "time_test", now()), "a removed client");
    // Appending the same key again gives it a new secret: the old one stops working.
    const renewed = await clients.append(Buffer.from(client.keys.publicKey).toString("base64"));
    await expect401(sealedBody(serverPublic, client, "time_test", now()), "the replaced secret");
    client = { keys: client.keys, secret: renewed };
    assert.equal((await post(server, sealedBody(serverPublic, client, "time_test", now()))).status, 200);
    assert.ok((await clients.purge()) >= 1);
    await expect401(sealedBody(serverPublic, client, "time_test", now()), "after purgeclients");
  });

  it("stops working for an address after RATE_NOTFOUND_MAX refusals in a window, still with an empty 401", async () => {
    const guarded = await startServer({
      rateLimit: true,
      rateNotFoundMax: 3,
      functionsModules: join(modulesDir, "modules.ini"),
    });
    try {
      const gClients = new FunctionClients(guarded, await serverKeyPair(guarded.store, guarded.clock));
      const gPublic = Buffer.from(gClients.serverPublicKey, "base64");
      const keys = nacl.box.keyPair();
      const good = { keys, secret: await gClients.append(Buffer.from(keys.publicKey).toString("base64")) };
      const ts = () => Math.floor(guarded.clock.now() / 1000);
      for (let i = 0; i < 3; i++) assert.equal((await post(guarded, "{")).status, 401);
      const blocked = await post(guarded, sealedBody(gPublic, good, "time_test", ts()));
      assert.equal(blocked.status, 401);
      assert.equal(await blocked.text(), "");
      assert.ok(guarded.logs.some((l) => String(l.msg).includes("refused unread")));
      guarded.clock.advanceSeconds(guarded.config.rateWindow);
      assert.equal((await post(guarded, sealedBody(gPublic, good, "time_test", ts()))).status, 200);
    } finally {
      await guarded.close();
    }
  });

  it("is one operation in /openapi.json: 200 {value} or an empty 401, /v1/ served as its alias", async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { description: string; responses: Record<string, unknown> }>>;
    };
    assert.ok(doc.paths["/v1"]?.post, "POST /v1 is described");
    assert.equal(doc.paths["/v1/"], undefined, "and listed once");
    const call = doc.paths["/v1"].post;
    assert.match(call.description, /`\/v1\/` is served as an alias/);
    assert.deepEqual(call.responses["401"], { description: "Refused, whatever the reason: an empty body" });
    assert.deepEqual(
      Object.keys(call.responses).filter((s) => s < "500"),
      ["200", "401"],
    );
  });

  it("logs each refusal and the first call from an address, never a secret", async () => {
    const refusals = server.logs.filter((l) => l.msg === "function call refused");
    assert.ok(refusals.length > 10);
    assert.ok(
      server.logs.some((l) => l.msg === "function API: first call from this address" && l.ip === "127.0.0.1"),
    );
    const all = JSON.stringify(server.logs);
    assert.ok(!all.includes(client.secret));
  });
});

describe("the original's documented flow, with the sealbin CLI and sealbin-server commands", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealbin-fn-flow-"));
  let server: ServerProcess;
  let url: string;
  const env = { SEALBIN_DB: join(dir, "sealbin.db"), SEALBIN_FUNCTIONS_MODULES: REPO_MODULES };
  before(async () => {
    server = spawnServer(dir, env);
    url = await server.listening();
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const admin = (...args: string[]) =>
    spawnSync(process.execPath, [SERVER_BIN, ...args], {
      env: backendEnv({ PATH: process.env.PATH ?? "", ...env }),
      encoding: "utf8",
    });

  it("keygen pair → appendclient (server running, no restart) → save secret and key → call time_test", async () => {
    const home = cliHome();
    const work = join(home.dir, "client");
    mkdirSync(work);
    const gen = await runCli(["fn", "keygen", "pair", "client"], { env: home.env, cwd: work });
    assert.equal(gen.code, 0, gen.stderr);
    assert.match(gen.stderr, /Generated: client\.key\nGenerated: client\.pub/);
    const pub = readFileSync(join(work, "client.pub"), "utf8");
    assert.match(pub, /^[A-Za-z0-9+/]{43}=$/);

    const appended = admin("appendclient", pub);
    assert.equal(appended.status, 0, appended.stderr);
    const secret = /Client Hex Secret: ([0-9a-f]{128})/.exec(appended.stdout)?.[1] ?? "";
    const serverPub = /Server public key:\n([A-Za-z0-9+/]{43}=)/.exec(appended.stdout)?.[1] ?? "";
    assert.ok(secret && serverPub, appended.stdout);
    writeFileSync(join(work, "client.secret"), secret);
    writeFileSync(join(work, "server.pub"), serverPub);

    const call = await runCli(["fn", "call", `${url}/v1`, "time_test"], { env: home.env, cwd: work });
    assert.equal(call.code, 0, call.stderr);
    assert.match(call.stdout.toString(), /^It is currently: \n\t\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n$/);

    const listed = admin("listclients");
    assert.match(listed.stdout, new RegExp(pub.replace(/[+/]/g, "\\$&")));
    assert.equal(admin("removeclient", pub).status, 0);
    const refused = await runCli(["fn", "call", `${url}/v1`, "time_test"], { env: home.env, cwd: work });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /server answered 401/);
    assert.equal(admin("removeclient", pub).status, 1, "already removed");
    assert.equal(admin("appendclient", "not-a-key").status, 2);
    assert.match(admin("purgeclients").stdout, /0 clients removed/);
  });
});

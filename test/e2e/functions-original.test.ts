/**
 * `sealbin fn` and the /v1 server against mini-share-point's own ends, as its Python code works
 * (written here with PyNaCl from docs/functions.md): its client calls our server, and our CLI calls
 * a server that opens calls as its server does; each end opens the other's sealed fields.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import nacl from "tweetnacl";
import { toolPath } from "../../scripts/system-deps.ts";
import { FunctionClients, serverKeyPair } from "../../src/features/functions/functions.clients.ts";
import { toHex, utf8 } from "../../src/protocol/bytes.ts";
import {
  decodeCall,
  encodeKey,
  openCall,
  openReply,
  sealCall,
  sealField,
  sharedKey,
} from "../../src/protocol/sealed-call.ts";
import { cliHome, runCli } from "../helpers/cli.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const REPO_MODULES = fileURLToPath(new URL("../../modules/modules.ini", import.meta.url));
const PYTHON = toolPath("python3-nacl");
const NO_PYNACL = PYTHON
  ? false
  : "needs PyNaCl (Debian's python3-nacl: apt-get install python3-nacl; npm test installs it as root)";
const CTIME = /^It is currently: \n\t\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/;

/** mini-share-point's client: seals the four values, POSTs them as JSON, opens the reply. */
const PY_CLIENT = `
import base64, binascii, json, sys, time, urllib.error, urllib.request
from nacl.public import Box, PrivateKey, PublicKey

url, secret_file, key_file, server_file, entry = sys.argv[1:]
line = lambda path: open(path).readline()
box = Box(PrivateKey(base64.b64decode(line(key_file))), PublicKey(base64.b64decode(line(server_file))))
seal = lambda data: base64.urlsafe_b64encode(box.encrypt(data)).decode("utf-8")
minimal = lambda n: n.to_bytes((n.bit_length() + 7) // 8, "big")
secret = line(secret_file).encode("utf-8")
body = {"id": seal(secret), "check": seal(minimal(binascii.crc32(secret))),
        "ts": seal(minimal(int(time.time()))), "entry": seal(entry.encode("utf-8"))}
request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"),
                                 headers={"Content-Type": "application/json"}, method="POST")
try:
    with urllib.request.urlopen(request) as res:
        value = json.load(res)["value"]
except urllib.error.HTTPError as err:
    print("status", err.code)
    sys.exit(1)
print(box.decrypt(base64.urlsafe_b64decode(value)).decode("utf-8"), end="")
`;

/**
 * mini-share-point's server: tries each registered key on every field, checks the CRC and the
 * timestamp (30 s), calls time_test, seals the answer; 401 for anything else. Prints its port.
 */
const PY_SERVER = `
import base64, binascii, json, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer
from nacl.exceptions import CryptoError
from nacl.public import Box, PrivateKey, PublicKey

secret_key = PrivateKey(base64.b64decode(sys.argv[1]))
clients = [PublicKey(base64.b64decode(k)) for k in sys.argv[2:]]

def answer(call):
    fields = [base64.urlsafe_b64decode(call[f]) for f in ("id", "check", "ts", "entry")]
    for client in clients:
        box = Box(secret_key, client)
        try:
            secret, check, ts, entry = [box.decrypt(f) for f in fields]
        except CryptoError:
            continue
        if binascii.crc32(secret) != int.from_bytes(check, "big"):
            continue
        if abs(int(time.time()) - int.from_bytes(ts, "big")) > 30 or entry != b"time_test":
            return None
        value = "It is currently: \\n\\t" + time.ctime()
        return base64.urlsafe_b64encode(box.encrypt(value.encode("utf-8"))).decode("utf-8")
    return None

class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        value = None
        if self.path == "/v1" and self.headers.get("Content-Type") == "application/json":
            try:
                value = answer(json.loads(body))
            except Exception:
                value = None
        out = json.dumps({"value": value}).encode("utf-8") if value else b""
        self.send_response(200 if value else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    def log_message(self, *args):
        pass

server = HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
`;

/** Runs Python without blocking the event loop (a server in this process must keep answering). */
function runPython(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON as string, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const pair = () => nacl.box.keyPair();
const text = (bytes: Uint8Array | null) => (bytes ? new TextDecoder().decode(bytes) : null);

/** What our server does with a call (src/features/functions/functions.usecases.ts). */
function openAsServer(call: Record<string, unknown>, shared: Uint8Array) {
  const opened = openCall(decodeCall(call) ?? [], shared);
  assert.ok(opened !== null && typeof opened === "object", "our server opens it and its CRC matches");
  return { secret: text(opened.secret), ts: opened.unixSeconds, entry: opened.entry };
}

/**
 * The two ends of mini-share-point as its Python code works, written with PyNaCl from the format
 * docs/functions.md describes: the client seals each value with Box(client, server).encrypt and
 * base64.urlsafe_b64encode, and opens the reply; the server opens each field with
 * Box(server, client).decrypt after base64.urlsafe_b64decode, reads numbers with int.from_bytes
 * and checks the CRC with binascii.crc32, and seals its reply the same way.
 */
const PY = `
import base64, binascii, json, sys
from nacl.public import Box, PrivateKey, PublicKey

job = json.load(sys.stdin)
key = lambda name: base64.b64decode(job[name])
minimal = lambda n: n.to_bytes((n.bit_length() + 7) // 8, "big")
if job["as"] == "client":
    box = Box(PrivateKey(key("clientSecret")), PublicKey(key("serverPublic")))
    seal = lambda data: base64.urlsafe_b64encode(box.encrypt(data)).decode("utf-8")
    secret = job["secret"].encode("utf-8")
    print(json.dumps({
        "call": {
            "id": seal(secret),
            "check": seal(minimal(binascii.crc32(secret))),
            "ts": seal(minimal(job["ts"])),
            "entry": seal(job["entry"].encode("utf-8")),
        },
        "reply": box.decrypt(base64.urlsafe_b64decode(job["reply"])).decode("utf-8"),
    }))
else:
    box = Box(PrivateKey(key("serverSecret")), PublicKey(key("clientPublic")))
    opened = {f: box.decrypt(base64.urlsafe_b64decode(v)) for f, v in job["call"].items()}
    print(json.dumps({
        "secret": opened["id"].decode("utf-8"),
        "crcOk": binascii.crc32(opened["id"]) == int.from_bytes(opened["check"], "big"),
        "ts": int.from_bytes(opened["ts"], "big"),
        "entry": opened["entry"].decode("utf-8"),
        "reply": base64.urlsafe_b64encode(box.encrypt(job["reply"].encode("utf-8"))).decode("utf-8"),
    }))
`;

function pythonEnd(job: Record<string, unknown>): Record<string, unknown> {
  const run = spawnSync(PYTHON as string, ["-c", PY], { input: JSON.stringify(job), encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

describe("sealed calls that mini-share-point's own logic opens, and vice versa (PyNaCl)", {
  skip: NO_PYNACL,
}, () => {
  it("its client's call opens with our server-side code, and its client opens our reply", () => {
    const client = pair();
    const server = pair();
    const serverShared = sharedKey(client.publicKey, server.secretKey);
    const secretHex = toHex(nacl.randomBytes(64));
    const made = pythonEnd({
      as: "client",
      clientSecret: encodeKey(client.secretKey),
      serverPublic: encodeKey(server.publicKey),
      secret: secretHex,
      ts: 1_711_804_853,
      entry: "time_test",
      reply: sealField(utf8("It is currently: \n\tSat Mar 30 13:20:53 2024 — ünïcode"), serverShared),
    });
    const opened = openAsServer(made.call as Record<string, unknown>, serverShared);
    assert.equal(opened.secret, secretHex);
    assert.equal(opened.ts, 1_711_804_853);
    assert.equal(opened.entry, "time_test");
    assert.equal(made.reply, "It is currently: \n\tSat Mar 30 13:20:53 2024 — ünïcode");
  });

  it("its server opens our client's call and checks its CRC, and we open its reply", () => {
    const client = pair();
    const server = pair();
    const clientShared = sharedKey(server.publicKey, client.secretKey);
    const secretHex = toHex(nacl.randomBytes(64));
    const now = Math.floor(Date.now() / 1000);
    const opened = pythonEnd({
      as: "server",
      serverSecret: encodeKey(server.secretKey),
      clientPublic: encodeKey(client.publicKey),
      call: sealCall({ secretHex, entry: "ünïcode_entry", unixSeconds: now }, clientShared),
      reply: "a reply from the original",
    });
    assert.equal(opened.secret, secretHex);
    assert.equal(opened.crcOk, true);
    assert.equal(opened.ts, now);
    assert.equal(opened.entry, "ünïcode_entry");
    assert.equal(text(openReply(opened.reply, clientShared)), "a reply from the original");
  });
});

/** A client's files, as the original's README has them saved: client.key, client.secret, server.pub. */
function clientFiles(dir: string, files: { key: Uint8Array; secret: string; serverPublic: Uint8Array }) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "client.key"), encodeKey(files.key));
  writeFileSync(join(dir, "client.secret"), files.secret);
  writeFileSync(join(dir, "server.pub"), encodeKey(files.serverPublic));
}

describe("the sealed function API with mini-share-point's own client and server logic (PyNaCl)", {
  skip: NO_PYNACL,
}, () => {
  let server: TestServer;
  let clients: FunctionClients;
  before(async () => {
    server = await startServer({ functionsModules: REPO_MODULES });
    clients = new FunctionClients(server, await serverKeyPair(server.store, server.clock));
  });
  after(async () => {
    await server.close();
  });

  it("its client calls our server's time_test and opens the sealed answer", async () => {
    const home = cliHome();
    const keys = nacl.box.keyPair();
    const secret = await clients.append(encodeKey(keys.publicKey));
    const serverPublic = Buffer.from(clients.serverPublicKey, "base64");
    clientFiles(home.dir, { key: keys.secretKey, secret, serverPublic });
    const files = ["client.secret", "client.key", "server.pub"].map((f) => join(home.dir, f));
    for (const path of ["/v1", "/v1/"]) {
      const run = await runPython(["-c", PY_CLIENT, `${server.url}${path}`, ...files, "time_test"]);
      assert.equal(run.code, 0, `${path}: ${run.stdout}${run.stderr}`);
      assert.match(run.stdout, CTIME);
    }
    const unknown = await runPython(["-c", PY_CLIENT, `${server.url}/v1`, ...files, "no_such_function"]);
    assert.equal(unknown.stdout.trim(), "status 401");
  });

  it("our CLI calls its server (keys made by sealbin fn keygen) and prints the answer; a wrong key is refused", async (t) => {
    const home = cliHome();
    const serverKeys = nacl.box.keyPair();
    const gen = await runCli(["fn", "keygen", "pair", "client"], { env: home.env });
    assert.equal(gen.code, 0, gen.stderr);
    const clientPublic = gen.stdout.toString().trim();
    const py = spawn(PYTHON as string, ["-c", PY_SERVER, encodeKey(serverKeys.secretKey), clientPublic], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    t.after(() => py.kill());
    const port = await new Promise<string>((resolve, reject) => {
      py.stdout.once("data", (d: Buffer) => resolve(d.toString().trim()));
      py.once("exit", (code) => reject(new Error(`the Python server exited (${code})`)));
    });
    writeFileSync(join(home.dir, "client.secret"), "ab".repeat(64));
    writeFileSync(join(home.dir, "server.pub"), encodeKey(serverKeys.publicKey));
    const url = `http://127.0.0.1:${port}/v1`;
    const call = await runCli(["fn", "call", url, "time_test"], { env: home.env });
    assert.equal(call.code, 0, call.stderr);
    assert.match(call.stdout.toString().replace(/\n$/, ""), CTIME);

    writeFileSync(join(home.dir, "other.key"), encodeKey(nacl.box.keyPair().secretKey));
    const stranger = await runCli(["fn", "call", url, "time_test", "--key", "other.key"], { env: home.env });
    assert.equal(stranger.code, 1);
    assert.equal(
      stranger.stderr,
      "sealbin: server answered 401: refused (check the secret, both keys, the function name and this machine's clock)\n",
    );
  });
});

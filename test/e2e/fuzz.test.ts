/**
 * Issue 17, item 2: thousands of generated malformed requests, over raw TCP, at a real sealbin-server
 * process, on every route that reads a body. It fails on any 5xx, on the death of the process, on a
 * request left unanswered on an open connection past the request timeout, on a broken contract of a
 * shape (invalid UTF-8 in JSON is refused; /v1 answers 401 and nothing else), and when a paste, a
 * short URL or an image stored before the run has changed afterwards.
 *
 * This file starts the server and its fixtures and runs the two tests; the parts live in
 * test/helpers/fuzz/:
 * - routes.ts: every route that reads a body, and the Ctx of what setup learnt;
 * - bodies.ts: well-formed requests for each route, which the families then break;
 * - families/: one file per family, each breaking requests one way (multipart, chunked framing,
 *   JSON, invalid UTF-8, headers, paths and queries, pipelined garbage, sealed calls, raw bodies),
 *   families/index.ts listing them in the order the seed draws them;
 * - source.ts: the cases, first every family × shape × route once (every cut position of a
 *   multipart body, too), then random draws until enough requests and time have gone by;
 * - runner.ts: sends them over raw TCP, judges the answers, replays a crash to find its case;
 * - wire.ts: raw requests, chunked and multipart bodies, the parser of the answers; rng.ts: the PRNG.
 *
 * The run is seeded: `# fuzz seed: N` is printed first, and SEALBIN_FUZZ_SEED=N makes the same cases
 * again (but for the ids, tokens and timestamps of that run; only how many are sent depends on the
 * machine's speed). A failure prints the request that caused it, escaped and truncated.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import nacl from "tweetnacl";
import { backendEnv } from "../helpers/database.ts";
import { PNG } from "../helpers/fuzz/bodies.ts";
import { Rng } from "../helpers/fuzz/rng.ts";
import { type Ctx, MAX_ANON, MAX_AUTH } from "../helpers/fuzz/routes.ts";
import { describeFailure, type FuzzReport, runFuzz } from "../helpers/fuzz/runner.ts";
import { caseSource } from "../helpers/fuzz/source.ts";
import { type ServerProcess, spawnServer } from "../helpers/process.ts";

const SERVER_BIN = fileURLToPath(new URL("../../bin/sealbin-server.js", import.meta.url));
const REPO_MODULES = fileURLToPath(new URL("../../modules/modules.ini", import.meta.url));

const SEED = Number(process.env.SEALBIN_FUZZ_SEED ?? 1717);
if (!Number.isSafeInteger(SEED)) throw new Error("SEALBIN_FUZZ_SEED must be an integer");
/** At least this many cases, and every family, shape and route at least once… */
const MIN_CASES = 3000;
/** …then more until this much time has passed, never more than MAX_CASES or past HARD_MS. */
const SOFT_MS = 20_000;
const MAX_CASES = 6000;
// Only a runaway bound: on a loaded machine 3,000 cases may take minutes, and the count decides.
const HARD_MS = 240_000;
const CONCURRENCY = 12;
/** SEALBIN_REQUEST_TIMEOUT of the server under fuzz, in seconds: stalled bodies end quickly. */
const REQUEST_TIMEOUT = 2;
/** No answer this long on an open connection is a stall: the request timeout plus room for load. */
const DEADLINE_MS = (REQUEST_TIMEOUT + 8) * 1000;
/** Requests that keep an incomplete body open cost a socket for the whole request timeout each. */
const STALL_BUDGET = 40;

async function json200(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  assert.ok(res.status >= 200 && res.status < 300, `${what}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function imageForm(name: string, content: Buffer): FormData {
  const form = new FormData();
  form.append("imageFile", new Blob([new Uint8Array(content)], { type: "image/png" }), name);
  form.append("quotient", "q");
  return form;
}

describe("fuzzing every body-reading route of a real server process", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealbin-fuzz-"));
  const env: Record<string, string> = {
    SEALBIN_DB: join(dir, "sealbin.db"),
    SEALBIN_POW_DIFFICULTY: "0",
    SEALBIN_REGISTER_POW: "0",
    SEALBIN_ANTIFLOOD: "0",
    SEALBIN_RATE_LIMIT: "0",
    SEALBIN_RATE_NOTFOUND_MAX: "0",
    SEALBIN_RATE_PASSWORD_MAX: "0",
    SEALBIN_DEDUP_MAX: "1000000",
    SEALBIN_PKI_ENABLED: "1",
    SEALBIN_PKI_CA_PASSWORD: `fuzz-ca-${process.pid}`,
    SEALBIN_REGISTRATION_ENABLED: "1",
    SEALBIN_REQUEST_TIMEOUT: String(REQUEST_TIMEOUT),
    SEALBIN_HEADERS_TIMEOUT: String(REQUEST_TIMEOUT),
    SEALBIN_KEEP_ALIVE_TIMEOUT: "1",
    SEALBIN_MAX_ANON: String(MAX_ANON),
    SEALBIN_MAX_AUTH: String(MAX_AUTH),
    SEALBIN_IMAGES_MAX: "1000000",
    SEALBIN_FUNCTIONS_MODULES: REPO_MODULES,
    SEALBIN_CLEANUP_INTERVAL: "0",
  };
  let server: ServerProcess;
  let url = "";
  let ctx: Ctx;
  let report: FuzzReport | undefined;
  const sentinel = {
    paste: { id: "", content: Buffer.alloc(0) as Buffer },
    short: { id: "", target: "" },
    image: { name: "sentinel", content: PNG },
  };
  const rng = new Rng(SEED);

  const start = async () => {
    server = spawnServer(dir, env);
    url = await server.listening();
  };

  before(async () => {
    console.log(`# fuzz seed: ${SEED} (replay with SEALBIN_FUZZ_SEED=${SEED})`);
    await start();
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
    await json200(await post("/pki/ca", { common_name: "Fuzz CA" }), "create the CA");
    const registered = await json200(await post("/register", { common_name: "fuzz-admin" }), "register");
    assert.equal(registered.is_admin, true, "the first registrant is admin");
    const adminFp = String(registered.fingerprint_sha1);
    const scratch = await json200(
      await post("/pki/issue", { common_name: "fuzz-scratch" }, { "x-ssl-client-sha1": adminFp }),
      "issue a scratch certificate",
    );

    const form = { username: "fuzzer", password: "fuzz-password-1", publicKey: "fuzz-key" };
    await json200(await post("/api/v1/auth/register", form), "open an account");
    const login = await json200(await post("/api/v1/auth/login", form), "log in");
    const token = String(login.access_token);
    const userId = String(login.user_id);
    for (const name of ["sentinel.png", "scratch.png"]) {
      await json200(
        await fetch(`${url}/api/v1/users/${userId}/images`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}` },
          body: imageForm(name, PNG),
        }),
        `upload ${name}`,
      );
    }

    sentinel.paste.content = rng.bytes(4096);
    const paste = await json200(
      await fetch(`${url}/`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: new Uint8Array(sentinel.paste.content),
      }),
      "store the sentinel paste",
    );
    sentinel.paste.id = String(paste.id);
    sentinel.short.target = `https://example.com/sentinel/${rng.word(16)}`;
    sentinel.short.id = String(
      (await json200(await post("/s", { url: sentinel.short.target }), "shorten")).id,
    );

    // A registered client of the sealed function API, so that /v1 really tries to open the boxes.
    const fnKeys = nacl.box.keyPair.fromSecretKey(rng.bytes(32));
    const appended = spawnSync(
      process.execPath,
      [SERVER_BIN, "appendclient", Buffer.from(fnKeys.publicKey).toString("base64")],
      {
        env: backendEnv({ PATH: process.env.PATH ?? "", ...env }, dir),
        encoding: "utf8",
      },
    );
    assert.equal(appended.status, 0, appended.stderr);
    const fnSecret = /Client Hex Secret: ([0-9a-f]{128})/.exec(appended.stdout)?.[1] ?? "";
    const serverPub = /Server public key:\n([A-Za-z0-9+/]{43}=)/.exec(appended.stdout)?.[1] ?? "";
    assert.ok(fnSecret && serverPub, "appendclient printed the secret and the server key");

    ctx = {
      adminFp,
      token,
      userId,
      scratchSerial: String(scratch.serial),
      fnKeys,
      fnSecret,
      serverPublic: Buffer.from(serverPub, "base64"),
    };
  });

  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("thousands of malformed requests to every body-reading route get no 5xx, never stop the server and never stall", {
    timeout: HARD_MS + 60_000,
  }, async () => {
    const source = caseSource(ctx, rng, new Set(), {
      minCases: MIN_CASES,
      softMs: SOFT_MS,
      maxCases: MAX_CASES,
      hardMs: HARD_MS,
      stallBudget: STALL_BUDGET,
    });
    report = await runFuzz({
      target: {
        port: () => Number(new URL(url).port),
        dead: () => server.child.exitCode !== null || server.child.signalCode !== null,
        lastWords: () => server.output().stderr.slice(-3000),
        restart: start,
      },
      next: source.next,
      concurrency: CONCURRENCY,
      deadlineMs: DEADLINE_MS,
      maxCrashes: 8,
      onKiller: (c) => source.block(c),
      onUnsent: (c) => source.unsent(c),
    });
    const statuses = [...report.statuses].sort().map(([s, n]) => `${s}: ${n}`);
    const families = [...report.families].map(([f, n]) => `${f} ${n}`);
    console.log(
      `# fuzz: ${report.sent} requests in ${(report.ms / 1000).toFixed(1)} s (${source.combos} family × shape × route combinations), ${report.restarts} restarts; answers ${statuses.join(", ")}`,
    );
    console.log(`# by family: ${families.join(", ")}`);
    const silent = [...report.silent].sort((a, b) => b[1] - a[1]).slice(0, 8);
    if (silent.length > 0)
      console.log(`# closed without an answer: ${silent.map(([k, n]) => `${k} (${n})`).join("; ")}`);
    assert.ok(
      report.gaveUp || (report.sent >= MIN_CASES && source.covered()),
      `only ${report.sent} requests sent in ${HARD_MS / 1000} s, ${source.covered() ? "" : "not "}every combination among them`,
    );
    const redact: [string, string][] = [[ctx.token, "$TOKEN"]];
    const failures = report.failures.map((f) => describeFailure(f, redact));
    assert.ok(
      failures.length === 0,
      `seed ${SEED}: ${failures.length} distinct failures${report.gaveUp ? " (the run gave up after repeated crashes)" : ""}:\n${failures.join("\n")}`,
    );
  });

  it("the paste, short URL and image stored before the run come back byte for byte", async () => {
    if (server.child.exitCode !== null) await start();
    const paste = await fetch(`${url}/${sentinel.paste.id}/raw`);
    assert.equal(paste.status, 200, "the sentinel paste is still there");
    assert.ok(
      Buffer.from(await paste.arrayBuffer()).equals(sentinel.paste.content),
      "the sentinel paste is unchanged",
    );

    const short = await fetch(`${url}/s/${sentinel.short.id}/info`);
    assert.equal(short.status, 200, "the sentinel short URL is still there");
    assert.equal((await short.json()).target_url, sentinel.short.target, "the short URL points where it did");

    const image = await fetch(`${url}/api/v1/users/${ctx.userId}/images/${sentinel.image.name}`, {
      headers: { authorization: `Bearer ${ctx.token}` },
    });
    assert.equal(image.status, 200, "the sentinel image is still there");
    const content = Buffer.from(String((await image.json()).img_content), "latin1");
    assert.ok(content.equals(sentinel.image.content), "the sentinel image is unchanged");
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200, "the server is healthy after the run");
  });
});

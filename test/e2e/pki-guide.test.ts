/**
 * The PKI guide, step by step, with the CLI: register, configure, create, list, delete, revoke —
 * once against sealbin terminating mTLS itself, once behind nginx configured as docs/pki.md says.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { toolPath } from "../../scripts/system-deps.ts";
import { type CliResult, cliHome, runCli } from "../helpers/cli.ts";
import { type ServerProcess, serverCert, spawnServer } from "../helpers/process.ts";

const PKI_ENV = {
  SEALBIN_PKI_ENABLED: "1",
  SEALBIN_PKI_CA_PASSWORD: "ca-password",
  SEALBIN_REGISTRATION_ENABLED: "1",
  SEALBIN_REGISTER_POW: "8",
  SEALBIN_POW_DIFFICULTY: "8",
  SEALBIN_RATE_LIMIT: "0",
};

const text = (r: CliResult) => r.stdout.toString("utf8").trim();

function ok(r: CliResult, what: string): string {
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
  return text(r);
}

/**
 * The guide's walkthrough for one user (the admin: first to register) and a second certificate the
 * admin issues and revokes. `url` is what clients talk to; `caFile` the CA they trust for it.
 */
async function walkThroughTheGuide(url: string, caFile: string) {
  const admin = cliHome();
  const env = { ...admin.env, SEALBIN_CA_CERT: caFile };
  ok(await runCli(["config", "server", url], { env }), "config server");
  const fingerprint = ok(await runCli(["register", "--configure"], { env }), "register --configure");
  assert.match(fingerprint, /^[0-9a-f]{40}$/);

  const pasteUrl = ok(await runCli(["create"], { env, input: "secret data\n" }), "create");
  const id = /\/([0-9a-f]{12})#/.exec(pasteUrl)?.[1] ?? "";
  assert.match(ok(await runCli(["list"], { env }), "list"), new RegExp(id));
  assert.equal(ok(await runCli(["get", pasteUrl], { env }), "get"), "secret data");
  ok(await runCli(["delete", id], { env }), "delete");
  assert.equal((await runCli(["get", id], { env })).code, 1, "deleted");

  const status = ok(await runCli(["pki", "status"], { env }), "pki status");
  assert.match(status, /^PKI Status\nCA initialized: yes\nCA fingerprint: [0-9a-f]{40}\n/);

  // The admin issues a certificate for alice, who configures it; then the admin revokes it.
  const alice = cliHome();
  const aliceDir = join(alice.dir, "alice-certs");
  const aliceEnv = { ...alice.env, SEALBIN_CA_CERT: caFile, SEALBIN_SERVER: url };
  ok(await runCli(["pki", "issue", "-n", "alice", "-o", aliceDir], { env }), "pki issue");
  ok(
    await runCli(["config", "set", "client_cert", join(aliceDir, "client.crt")], { env: aliceEnv }),
    "alice cert",
  );
  ok(
    await runCli(["config", "set", "client_key", join(aliceDir, "client.key")], { env: aliceEnv }),
    "alice key",
  );
  ok(await runCli(["-E"], { env: aliceEnv, input: "alice was here" }), "alice creates");
  assert.match(ok(await runCli(["list"], { env: aliceEnv }), "alice lists"), /text\/plain/);

  const serial = /([0-9a-f]{32}) {2}valid\s+\S+\s+alice/.exec(
    ok(await runCli(["pki", "status"], { env }), "status"),
  )?.[1];
  assert.ok(serial, "the admin's pki status lists alice's serial");
  ok(await runCli(["pki", "revoke", serial], { env }), "pki revoke");
  const revoked = await runCli(["list"], { env: aliceEnv });
  assert.equal(revoked.code, 1);
  assert.match(revoked.stderr, /server answered 401: Authentication required/);
  return { fingerprint };
}

describe("the PKI guide with sealbin terminating mTLS", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealbin-guide-direct-"));
  let server: ServerProcess;
  let url: string;
  before(async () => {
    const env = { ...PKI_ENV, SEALBIN_DB: join(dir, "sealbin.db") };
    const made = serverCert(env, ["--host", "127.0.0.1", "--out", join(dir, "tls")]);
    assert.equal(made.status, 0, made.stderr);
    server = spawnServer(dir, {
      ...env,
      SEALBIN_TLS_CERT: join(dir, "tls", "server.crt"),
      SEALBIN_TLS_KEY: join(dir, "tls", "server.key"),
    });
    url = await server.listening();
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("registers, configures, creates, lists, deletes and revokes", async () => {
    assert.match(url, /^https:/);
    await walkThroughTheGuide(url, join(dir, "tls", "ca.crt"));
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.on("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not start: ${log()}`);
}

const NGINX_EXAMPLE = fileURLToPath(new URL("../../deploy/nginx/sealbin.conf", import.meta.url));
/** Found where npm test's check of the system tools looks (it installs nginx as root). */
const NGINX = toolPath("nginx");

describe("the PKI guide behind nginx (deploy/nginx/sealbin.conf)", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealbin-guide-nginx-"));
  let server: ServerProcess;
  let nginx: ChildProcess;
  let url: string;
  before(async () => {
    assert.ok(
      NGINX,
      "nginx is not installed: npm test installs it as root, or says how (apt-get install nginx)",
    );
    const env = {
      ...PKI_ENV,
      SEALBIN_DB: join(dir, "sealbin.db"),
      SEALBIN_PROXY_SECRET: "your-shared-secret",
      SEALBIN_TRUST_PROXY_HOPS: "1",
    };
    // The CA exists before nginx starts (it needs ca.crt), and it issues nginx's own certificate.
    const made = serverCert(env, ["--host", "127.0.0.1", "--out", join(dir, "tls")]);
    assert.equal(made.status, 0, made.stderr);
    server = spawnServer(dir, env);
    const backend = await server.listening();

    const port = await freePort();
    mkdirSync(join(dir, "nginx-tmp"));
    const tlsDir = join(dir, "tls");
    // deploy/nginx/sealbin.conf, the documented configuration, with this test's paths and ports, run
    // unprivileged in the foreground.
    const serverBlock = readFileSync(NGINX_EXAMPLE, "utf8")
      .replace("listen 443 ssl;", `listen 127.0.0.1:${port} ssl;`)
      .replace("/etc/ssl/certs/paste.example.com.crt", `${tlsDir}/server.crt`)
      .replace("/etc/ssl/private/paste.example.com.key", `${tlsDir}/server.key`)
      .replace("/etc/ssl/certs/sealbin-ca.crt", `${tlsDir}/ca.crt`)
      .replace("http://127.0.0.1:5000", backend);
    assert.ok(
      serverBlock.includes(backend) && serverBlock.includes(`${tlsDir}/ca.crt`),
      "the example's paths moved",
    );
    writeFileSync(
      join(dir, "nginx.conf"),
      `${process.getuid?.() === 0 ? "user root;\n" : ""}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path ${dir}/nginx-tmp/body;
    proxy_temp_path ${dir}/nginx-tmp/proxy;
    fastcgi_temp_path ${dir}/nginx-tmp/fastcgi;
    uwsgi_temp_path ${dir}/nginx-tmp/uwsgi;
    scgi_temp_path ${dir}/nginx-tmp/scgi;
${serverBlock}
}
`,
    );
    nginx = spawn(NGINX ?? "nginx", ["-p", dir, "-c", join(dir, "nginx.conf")], { stdio: "ignore" });
    const log = () =>
      existsSync(join(dir, "nginx-error.log")) ? readFileSync(join(dir, "nginx-error.log"), "utf8") : "";
    await waitForPort(port, nginx, log);
    url = `https://127.0.0.1:${port}`;
  });
  after(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((r) => nginx.on("exit", r));
      nginx.kill("SIGQUIT");
      await exited;
    }
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("registers, configures, creates, lists, deletes and revokes", async () => {
    await walkThroughTheGuide(url, join(dir, "tls", "ca.crt"));
  });
});

/**
 * Issue 19, item 3: the CLI behaves in pipes and terminals — quiet when its reader stops early, no
 * binary on a terminal, a password prompt on a terminal (and a message naming -p in a pipe),
 * colour only on a terminal and never with NO_COLOR. Terminals are real: a pseudo-terminal (`script`).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PNG_1X1 } from "../fixtures/files.ts";
import { type CliResult, cliCommand, cliHome, runCli, runInTerminal } from "../helpers/cli.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const text = (r: CliResult) => r.stdout.toString("utf8").trim();
/** What a terminal showed, without its colours. */
const ESC = String.fromCharCode(27);
const plain = (output: string) => output.replace(new RegExp(`${ESC}\\[[0-9;]*m`, "g"), "");

/** A shell pipeline, asynchronously: the server in this process keeps answering meanwhile. */
function bash(script: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", () => resolve({ stdout, stderr }));
  });
}

describe("sealbin in pipes and terminals", () => {
  let server: TestServer;
  const home = cliHome();
  const env = () => ({ ...home.env, SEALBIN_SERVER: server.url });
  before(async () => {
    server = await startServer({ maxAnon: 8 * 1024 * 1024 });
  });
  after(async () => {
    await server.close();
  });

  it("ends quietly with status 0 when its reader stops early (sealbin get … | head -c 10)", async () => {
    const file = join(home.dir, "long.txt");
    writeFileSync(file, `${randomBytes(3_000_000).toString("base64")}\n`);
    const encrypted = text(await runCli([file], { env: env() }));
    const plain = text(await runCli(["-E", file], { env: env() }));
    for (const args of [["get", encrypted], ["get", plain], ["info"]]) {
      const run = await bash(`${cliCommand(args)} | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`, env());
      assert.equal(run.stdout, "0\n", `${args[0]}: exit status`);
      assert.equal(run.stderr, "", `${args[0]}: nothing on stderr, no stack trace`);
    }
  });

  it("does not write binary content to a terminal, says how to save it; text goes through; -o - insists", async () => {
    const png = join(home.dir, "dot.png");
    writeFileSync(png, PNG_1X1);
    const plainPng = text(await runCli(["-E", png], { env: env() }));
    const sealedPng = text(await runCli([png], { env: env() }));
    const words = text(await runCli([], { env: env(), input: "just words\n" }));
    for (const url of [plainPng, sealedPng]) {
      const shown = await runInTerminal(cliCommand(["get", url]), { env: env() });
      assert.equal(shown.code, 2, shown.output);
      assert.match(plain(shown.output), /is binary: not written to the terminal/);
      assert.match(plain(shown.output), /hint: save it with -o FILE, or redirect standard output/);
      assert.ok(!shown.output.includes("PNG"), "no byte of the image reached the terminal");
    }
    const said = await runInTerminal(cliCommand(["get", words]), { env: env() });
    assert.equal(said.code, 0, said.output);
    assert.equal(said.output, "just words\r\n");
    const insisted = await runInTerminal(cliCommand(["get", "-o", "-", plainPng]), { env: env() });
    assert.equal(insisted.code, 0, insisted.output);
    assert.match(insisted.output, /PNG/);
    const piped = await runCli(["get", sealedPng], { env: env() });
    assert.ok(piped.stdout.equals(PNG_1X1), "a pipe gets the bytes");
  });

  it("keeps a binary burn-after-read paste in a new file rather than lose it on a terminal", async () => {
    const png = join(home.dir, "once.png");
    writeFileSync(png, PNG_1X1);
    const url = text(await runCli(["-b", png], { env: env() }));
    const id = /\/([0-9a-f]{12})#/.exec(url)?.[1] ?? "";
    const shown = await runInTerminal(cliCommand(["get", url]), { env: env(), cwd: home.dir });
    assert.equal(shown.code, 0, shown.output);
    assert.match(
      plain(shown.output),
      /binary and was deleted by this read \(burn after read\): saved as sealbin-[0-9a-f]{12}/,
    );
    assert.ok(readFileSync(join(home.dir, `sealbin-${id}`)).equals(PNG_1X1));
  });

  it("asks for a paste's password on a terminal, without echoing it, and again when it is wrong", async () => {
    const url = text(await runCli(["-p", "hunter2"], { env: env(), input: "behind a password\n" }));
    const asked = await runInTerminal(cliCommand(["get", url]), {
      env: env(),
      answers: [
        { when: /password for paste [0-9a-f]{12}: $/, send: "guess\r" },
        { when: /password for paste [0-9a-f]{12}: $/, send: "hunter2\r" },
      ],
    });
    assert.equal(asked.code, 0, asked.output);
    assert.match(asked.output, /wrong password, try again/);
    assert.match(asked.output, /behind a password\r\n$/);
    assert.ok(
      !asked.output.includes("hunter2") && !asked.output.includes("guess"),
      "the password is not echoed",
    );
    const saved = join(home.dir, "unlocked.txt");
    const toFile = await runInTerminal(cliCommand(["get", "-o", saved, url]), {
      env: env(),
      answers: [{ when: /password for paste/, send: "hunter2\r" }],
    });
    assert.equal(toFile.code, 0, toFile.output);
    assert.equal(readFileSync(saved, "utf8"), "behind a password\n");
  });

  it("in a pipe, fails on a password-protected paste with a message naming -p", async () => {
    const url = text(await runCli(["-p", "hunter2"], { env: env(), input: "behind a password" }));
    const piped = await runCli(["get", url], { env: env() });
    assert.equal(piped.code, 1);
    assert.match(piped.stderr, /^sealbin: server answered 401: Password required\n/);
    assert.match(
      piped.stderr,
      /hint: the paste has a password: give it with -p PASS \(sealbin get -p PASS [0-9a-f]{12}\)\n$/,
    );
    assert.ok(!existsSync(join(home.dir, "unlocked-piped.txt")));
  });

  it("colours its messages on a terminal only, and never with NO_COLOR", async () => {
    const coloured = await runInTerminal(cliCommand(["get", "0123456789ab"]), { env: env() });
    assert.equal(coloured.code, 1);
    assert.ok(coloured.output.includes(`${ESC}[1;31msealbin:${ESC}[0m server answered 404: Paste not found`));
    const plain = await runInTerminal(cliCommand(["get", "0123456789ab"]), {
      env: { ...env(), NO_COLOR: "1" },
    });
    assert.equal(plain.code, 1);
    assert.equal(plain.output, "sealbin: server answered 404: Paste not found\r\n");
    const piped = await runCli(["get", "0123456789ab"], { env: env() });
    assert.equal(piped.stderr, "sealbin: server answered 404: Paste not found\n");
  });
});
